import { useEffect, useRef } from 'react';
import { LESSONS } from '../../../scenarios/catalog';
import { CLAIM_TEXT } from '../../viewmodel/narration';


/** The built-in scenarios as cards: title, what it teaches, the claims it shows. */
export function Gallery({ current, onOpen, onClose }: { current: string; onOpen: (id: string) => void; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} className="gallery" aria-labelledby="gallery-title" onClose={onClose}>
      <h2 id="gallery-title">Scenario gallery</h2>
      <ul className="cards">
        {LESSONS.map((s) => (
          <li key={s.id} className="card" data-scenario={s.id} aria-current={s.id === current ? 'true' : undefined}>
            <h3>{s.title}</h3>
            <p>{s.description}</p>
            <p className="card-claims">
              {s.claims.length > 0 ? (
                <>
                  Claims:{' '}
                  {s.claims.map((c) => (
                    <span key={c} className="claim-tag" title={CLAIM_TEXT[c]}>
                      {c}
                    </span>
                  ))}
                </>
              ) : (
                'Plain TCP/IP: no patent claim'
              )}
            </p>
            <button type="button" onClick={() => onOpen(s.id)} aria-label={`Open ${s.title}`}>
              Open
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}
