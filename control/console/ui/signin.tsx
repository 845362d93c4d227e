/**
 * Sign-in, without cookies: a `tessera console` link (its token in the URL fragment, exchanged
 * once and then wiped from the address bar), Cloudflare Access (the worker reads the verified
 * Access JWT and answers a console token), or a pasted admin token. The token lives in
 * sessionStorage for this tab only.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, errorText, tokenStore } from './api.ts';

export interface Me {
  sub: string;
  scopes: string[];
}

interface Session {
  token: string;
  sub: string;
  scopes: string[];
}

/** Reads `#link=…` once and clears it, so a reload or a shared screenshot never carries it. */
function takeLink(): string | undefined {
  const match = /(?:^#|&)link=([^&]+)/.exec(location.hash);
  if (!match) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  return decodeURIComponent(match[1]!);
}

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [status, setStatus] = useState<'checking' | 'form'>('checking');
  const [error, setError] = useState('');
  const [pasted, setPasted] = useState('');

  useEffect(() => {
    const link = takeLink();
    void (async () => {
      try {
        if (link) {
          const s = await api<Session>('POST', '/admin/console/session', { link });
          tokenStore.set(s.token);
          return onSignedIn({ sub: s.sub, scopes: s.scopes });
        }
        if (tokenStore.get()) return onSignedIn(await api<Me>('GET', '/admin/console/me'));
        const config = await api<{ access: boolean }>('GET', '/admin/console/config');
        if (config.access) {
          const s = await api<Session>('POST', '/admin/console/session', {});
          tokenStore.set(s.token);
          return onSignedIn({ sub: s.sub, scopes: s.scopes });
        }
      } catch (e) {
        tokenStore.clear();
        setError(errorText(e));
      }
      setStatus('form');
    })();
  }, []);

  if (status === 'checking') return <p class="boot">Signing you in…</p>;
  return (
    <main class="signin">
      <h1>Tessera console</h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p>
        On your computer, run <code>npx tessera console</code> while <code>npm run dev</code> runs:
        it opens this page signed in. A deployed console signs you in through Cloudflare Access.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          tokenStore.set(pasted.trim());
          api<Me>('GET', '/admin/console/me')
            .then(onSignedIn)
            .catch((err: unknown) => {
              tokenStore.clear();
              setError(errorText(err));
            });
        }}
      >
        <label for="token">Or paste an admin token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={pasted}
          onInput={(e) => setPasted(e.currentTarget.value)}
        />
        <button type="submit" disabled={!pasted.trim()}>
          Sign in
        </button>
      </form>
    </main>
  );
}
