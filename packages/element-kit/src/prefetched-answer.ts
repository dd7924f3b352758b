/**
 * One answer asked for before anyone needed it — an element's first data, started by
 * `ElementDefinition.prefetch` while the view is not built yet — kept until the feature takes it.
 */
export class PrefetchedAnswer<T> {
  private pending: { readonly key: string; readonly answer: Promise<T>; arrived?: { value: T } } | undefined;

  /** Asks now for the answer known as `key`; settles (never rejects) once it is there. */
  start(key: string, ask: () => Promise<T>): Promise<void> {
    const pending: { readonly key: string; readonly answer: Promise<T>; arrived?: { value: T } } = {
      key,
      answer: ask(),
    };
    this.pending = pending;
    // Whoever takes the answer sees a failure; here it only means "settled".
    return pending.answer.then(
      (value) => void (pending.arrived = { value }),
      () => undefined,
    );
  }

  /**
   * The answer for `key` if it has already arrived — then it is taken, and the feature can show it
   * in its very first render.
   */
  takeArrived(key: string): { value: T } | undefined {
    const pending = this.pending;
    if (pending?.key !== key || pending.arrived === undefined) return undefined;
    this.pending = undefined;
    return pending.arrived;
  }

  /**
   * The answer for `key`, arrived or not, or undefined when none was asked for under that key.
   * Taken either way: a later request asks again, and an answer for another key is dropped.
   */
  take(key: string): Promise<T> | undefined {
    const pending = this.pending;
    this.pending = undefined;
    return pending?.key === key ? pending.answer : undefined;
  }
}
