import type { ScoreDirection } from '../documents';
import type { ShapeId } from './shapes';
import type { Path } from './values';

/** One item a format found, before the shared rules turn it into a document. */
export interface Candidate {
  /** The item as written; it must be an object, and mapping paths (`idField`…) are read from it. */
  item: unknown;
  /** Where the item is in the file (its line and column are looked up from this). */
  path: Path;
  /** The format's own id for the item; undefined or null when it has none. */
  id?: unknown;
  /** Objects searched for the text, in order: the item's fields, then payload/_source/fields/metadata/entity. */
  textIn: unknown[];
  /** What becomes the document's metadata: an object, a JSON string (OpenInference), or absent. */
  metadata?: unknown;
  /** OpenInference writes metadata as a JSON string. */
  metadataIsJson?: boolean;
  /** Its name in messages ("metadata", "payload", "document.metadata"). */
  metadataName?: string;
  score?: unknown;
}

/** How a format's scores read; without a direction it is inferred from their order in the file. */
export interface ScoreSpec {
  name: string;
  direction?: ScoreDirection;
}

export interface CandidateSet {
  label?: string;
  /** The stored query, checked to be a string later. */
  query?: unknown;
  /** Where the query was found, for its error message. */
  queryName?: string;
  candidates: Candidate[];
  score?: ScoreSpec;
}

export interface Extraction {
  shape: ShapeId;
  sets: CandidateSet[];
  warnings?: string[];
}

/** Recognises one family of shapes from a parsed root value, or returns undefined. Never recurses. */
export type Detector = (root: unknown) => Extraction | undefined;

/** A shape that was recognised but is unusable (a GraphQL error, a Milvus error code); parse names the file. */
export class ShapeProblem extends Error {}
