/**
 * The DVIPA's status on one stack, as `Netstat VIPADYN` shows it (docs/domain.md
 * §1.3, §1.6). The VIPADEFINE stack starts Active; a VIPABACKUP stack starts
 * Backup and becomes Active when XCF tells it the owner left the group
 * (takeover). When the VIPADEFINE stack comes back it takes the DVIPA back:
 * it is Active again and the backup goes Moving while connections it holds
 * itself still live (IBM's nondisruptive move: existing connections stay where
 * they are until they close, new ones go to the new owner), then Backup. A
 * crashed stack has no status at all ('down'). Quiescing (VARY … QUIESCE or
 * DEACTIVATE with connections left) is part of the status vocabulary but no
 * modelled event leads to it.
 */
import { setup } from 'xstate';

/** Status values of `Netstat VIPADYN` this lab reaches, plus 'down' for a crashed stack. */
export const VipaStatus = { ACTIVE: 'Active', BACKUP: 'Backup', MOVING: 'Moving', QUIESCING: 'Quiescing' } as const;
/** A VIPADYN status as IBM spells it. */
export type VipaStatus = (typeof VipaStatus)[keyof typeof VipaStatus];

/** Events of the status machine. */
export type VipaStatusEvent =
  | { type: 'OWNER_LEFT' } // XCF: the owner left the group; this backup takes over
  | { type: 'TAKEN_BACK'; drained: boolean } // the VIPADEFINE stack took the DVIPA back
  | { type: 'DRAINED' } // the last connection this stack held ended
  | { type: 'CRASHED' }
  | { type: 'RESTARTED' };

/** Where the stack's DVIPA configuration came from: VIPADEFINE (the owner) or VIPABACKUP. */
export interface VipaStatusInput {
  readonly origin: 'VIPADefine' | 'VIPABackup';
}

/** Status of the DVIPA on one stack; state names are IBM's status words, lower case. */
export const vipaStatusMachine = setup({
  types: { context: {} as VipaStatusInput, input: {} as VipaStatusInput, events: {} as VipaStatusEvent },
  guards: {
    definesTheVipa: ({ context }) => context.origin === 'VIPADefine',
    drained: ({ event }) => event.type === 'TAKEN_BACK' && event.drained,
  },
}).createMachine({
  id: 'vipa-status',
  context: ({ input }) => ({ origin: input.origin }),
  initial: 'joining',
  states: {
    joining: { always: [{ guard: 'definesTheVipa', target: 'active' }, { target: 'backup' }] },
    active: { on: { TAKEN_BACK: [{ guard: 'drained', target: 'backup' }, { target: 'moving' }], CRASHED: 'down' } },
    backup: { on: { OWNER_LEFT: 'active', CRASHED: 'down' } },
    moving: { on: { DRAINED: 'backup', OWNER_LEFT: 'active', CRASHED: 'down' } },
    // A restarted VIPADEFINE stack takes the DVIPA back at once; a backup rejoins as a backup.
    down: { on: { RESTARTED: 'joining' } },
  },
});

/** The VIPADYN word for a machine state, or null when the stack is down. */
export function statusWord(state: string): VipaStatus | null {
  switch (state) {
    case 'active':
      return VipaStatus.ACTIVE;
    case 'backup':
      return VipaStatus.BACKUP;
    case 'moving':
      return VipaStatus.MOVING;
    default:
      return null;
  }
}
