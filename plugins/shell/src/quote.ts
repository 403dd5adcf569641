/** Quotes a string for bash as one word: '...' with embedded quotes escaped. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
