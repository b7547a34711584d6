import { useEffect, useState } from 'react';

// The console's routes are paths under /console/ (the gateway answers each with index.html), so a
// reload or a shared link lands on the same screen. Tiny on purpose: a handful of screens.
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

export function navigate(to: string, replace = false): void {
  const url = BASE + to;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The path below /console (`/dojos/…`) and its query, following history. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const read = () => ({ path: location.pathname.slice(BASE.length) || '/', query: new URLSearchParams(location.search) });
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const update = () => setWhere(read());
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return where;
}

/** A link that stays in the app (keyboard and middle-click work: it is a real <a href>). */
export function linkProps(to: string): { href: string; onClick(event: React.MouseEvent): void } {
  return {
    href: BASE + to,
    onClick(event) {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      navigate(to);
    },
  };
}
