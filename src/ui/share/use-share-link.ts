import { useEffect, useState } from 'react';
import { useLabStore } from '../store/lab-store';

/**
 * A link to the lab's current state (for the embed snippet and the embed
 * view's way out), kept up to date as the state changes; the encoder loads
 * on first use. Empty until the first encoding is done.
 */
export function useShareLink(mode: 'lab' | 'embed'): string {
  const state = useLabStore();
  const [link, setLink] = useState('');
  useEffect(() => {
    let live = true;
    void import('./sync').then(async ({ fragmentOf, linkTo }) => {
      const fragment = await fragmentOf(state);
      const url = new URL(linkTo(location, fragment, false));
      if (mode === 'embed') url.searchParams.set('embed', '1');
      if (live) setLink(url.toString());
    }).catch(() => undefined); // a state too large to share: the dialog's Copy link explains
    return () => {
      live = false;
    };
  }, [state, mode]);
  return link;
}
