/** A tiny SVG writer: elements as strings, attributes escaped. */
export function el(
  name: string,
  attributes: Record<string, string | number>,
  children = "",
): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");
  return children === "" ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}

export function text(
  x: number,
  y: number,
  content: string,
  attributes: Record<string, string | number> = {},
): string {
  return el("text", { x, y, "font-size": 12, ...attributes }, escapeXml(content));
}

export function escapeXml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

export function svgDocument(width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n` +
    el("rect", { width, height, fill: "white" }) +
    `\n${body}\n</svg>\n`
  );
}
