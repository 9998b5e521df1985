/**
 * Well-known ports of the sysplex model. Apps talk to their own stack over
 * UDP on the loopback interface (control sockets, claims 18, 19, 24); stacks
 * talk to each other over UDP on their XCF addresses.
 */
/** The stack's control-socket port on 127.0.0.1. */
export const STACK_CONTROL_PORT = 7000;
/** The stacks' XCF port. */
export const XCF_PORT = 7001;
/** First port given to an app's control socket. */
export const APP_CONTROL_PORT_BASE = 7100;
