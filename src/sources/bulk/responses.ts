/**
 * Whether result bodies are requested as streams rather than text: in Node, so a result file of any size is parsed as
 * it arrives in constant memory. Browsers' XHR adapter has no streamed responses, so they read text (parsed a slice at
 * a time).
 */
export const streamResponses: boolean =
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions.node;
