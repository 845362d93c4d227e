/** Vite's `?raw` imports: a file's text (the XSS payload corpus). */
declare module '*?raw' {
  const text: string;
  export default text;
}
