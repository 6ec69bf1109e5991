// Virtual modules provided by playground/build.mjs: each default-exports the source text of a
// bundled Monaco web worker (editor, json, graphql), which playground.tsx starts from a blob: URL.
declare module 'playground-worker:*' {
  const source: string;
  export default source;
}
