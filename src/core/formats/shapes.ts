/** Every result shape Rerank Lens recognises, with the name people see ("read x.json as Qdrant points"). */
export const SHAPES = {
  documents: 'a list of documents',
  wrapper: 'a {query, results} object',
  'langchain-documents': 'LangChain documents',
  'langchain-serialized': 'LangChain serialized documents',
  'langchain-scored': 'LangChain (document, score) pairs',
  'llamaindex-nodes': 'LlamaIndex nodes with scores',
  'llamaindex-response': 'LlamaIndex response source nodes',
  'chroma-query': 'Chroma query results',
  'chroma-get': 'Chroma get results',
  'pinecone-query': 'Pinecone matches',
  'qdrant-points': 'Qdrant points',
  'qdrant-search': 'Qdrant search results',
  'weaviate-graphql': 'Weaviate GraphQL results',
  'elasticsearch-hits': 'Elasticsearch/OpenSearch hits',
  'elasticsearch-msearch': 'Elasticsearch/OpenSearch _msearch responses',
  vespa: 'Vespa results',
  'haystack-documents': 'Haystack documents',
  'haystack-pipeline': 'Haystack pipeline output',
  'openinference-spans': 'OpenInference spans',
  'milvus-rest': 'Milvus REST search results',
  'milvus-hits': 'Milvus search hits',
  'vector-rows': 'vector search rows (LanceDB/pgvector)',
  mapped: 'results read with your field mapping',
} as const;

export type ShapeId = keyof typeof SHAPES;

export function shapeLabel(shape: ShapeId, jsonl = false): string {
  return jsonl ? `${SHAPES[shape]} (JSONL)` : SHAPES[shape];
}
