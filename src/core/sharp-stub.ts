// transformers.js requires `sharp` at load time for image inputs. We only score text, so the bundle
// gets this stand-in instead of a 19 MB native dependency per platform.
const sharp = Object.assign(
  () => {
    throw new Error('Image processing is not available in Rerank Lens.');
  },
  { cache: () => undefined, concurrency: () => undefined },
);
export default sharp;
