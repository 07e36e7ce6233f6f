import type { EventSink } from './event-types.js';

/** An event sink that drops every event. */
export const nullSink: EventSink = () => {};
