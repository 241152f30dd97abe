/** Writes kept in order per id: each waits for the one before it (whether that failed or not). */
export class WriteChain {
  private readonly writes = new Map<string, Promise<void>>();

  run(id: string, write: () => Promise<void>): Promise<void> {
    const next = (this.writes.get(id) ?? Promise.resolve()).catch(() => undefined).then(write);
    this.writes.set(id, next);
    void next.finally(() => {
      if (this.writes.get(id) === next) this.writes.delete(id);
    }).catch(() => undefined);
    return next;
  }
}
