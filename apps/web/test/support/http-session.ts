// A signed-in session over plain HTTP (no browser), for scripts that measure
// the server: sign up through the real form (CSRF token included) and keep
// the cookies.
export class HttpSession {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(new URL(path, this.baseUrl), {
      redirect: "manual",
      ...init,
      // A browser names its origin on every post; the dashboard refuses cookie-carrying posts that do not.
      headers: {
        cookie: this.cookieHeader,
        origin: new URL(this.baseUrl).origin,
        ...(init.headers ?? {}),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...rest] = (pair ?? "").split("=");
      if (name) this.cookies.set(name.trim(), rest.join("="));
    }
    return response;
  }

  async csrf(path: string): Promise<string> {
    const html = await (await this.request(path)).text();
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match?.[1]) throw new Error(`no CSRF field on ${path}`);
    return match[1];
  }

  async post(path: string, fields: Record<string, string>): Promise<Response> {
    const csrf = await this.csrf(path);
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, ...fields }),
    });
  }

  async signUp(email: string, password: string): Promise<void> {
    const response = await this.post("/signup", { email, password });
    if (response.status !== 302) throw new Error(`sign-up failed: ${response.status}`);
  }
}
