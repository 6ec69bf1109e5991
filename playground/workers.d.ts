// Virtual modules provided by playground/build.mjs: each default-exports the same-origin URL of a
// bundled Monaco web worker (editor, json, graphql), a content-hashed file playground.tsx starts.
declare module 'playground-worker:*' {
  const url: string;
  export default url;
}
