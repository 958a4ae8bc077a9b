const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD` of `ms` in this process's time zone. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
