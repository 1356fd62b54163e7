/** The smallest cookie jar that behaves like one browser against one host: name -> value. */
export class CookieJar {
  readonly #cookies = new Map<string, string>()

  get (name: string): string | undefined {
    return this.#cookies.get(name)
  }

  /** Takes every Set-Cookie line; an empty value or a past Expires / Max-Age=0 removes the cookie. */
  store (setCookie: string | string[] | undefined): void {
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attributes.some((a) => {
        const [key, val = ''] = a.split('=').map((p) => p.trim())
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0
        if (key.toLowerCase() === 'expires') return Date.parse(val) < Date.now()
        return false
      })
      if (value === '' || expired) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }

  /** The Cookie header, or undefined when the jar is empty. */
  header (): string | undefined {
    if (this.#cookies.size === 0) return undefined
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}
