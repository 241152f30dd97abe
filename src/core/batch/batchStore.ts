/** The batches of a workspace, beside its tasks: persisted before announced, one batch's writes in order (as TaskStore). */
import { Emitter } from '../events';
import type { Batch } from './batch';
import { WriteChain } from '../writeChain';

export interface BatchPersistence {
  load(): Promise<Batch[]>;
  save(batch: Batch): Promise<void>;
  remove(id: string): Promise<void>;
}

export type BatchChange = { readonly kind: 'added' | 'changed' | 'removed'; readonly batch: Batch };

export class BatchStore {
  private readonly batches = new Map<string, Batch>();
  private readonly writes = new WriteChain();
  private readonly changed = new Emitter<BatchChange>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly persistence: BatchPersistence) {}

  async load(): Promise<void> {
    for (const batch of await this.persistence.load()) {
      const known = this.batches.get(batch.id);
      if (!known || known.revision < batch.revision) this.batches.set(batch.id, batch);
    }
  }

  get(id: string): Batch | undefined {
    return this.batches.get(id);
  }

  /** Newest first. */
  list(): Batch[] {
    return [...this.batches.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  async add(batch: Batch): Promise<Batch> {
    if (this.batches.has(batch.id)) throw new Error(`Batch ${batch.id} exists already.`);
    await this.chain(batch.id, () => this.persistence.save(batch));
    this.batches.set(batch.id, batch);
    this.changed.fire({ kind: 'added', batch });
    return batch;
  }

  /** Once the writes before it are done; undefined when the batch is gone. */
  async update(id: string, change: (batch: Batch) => Batch): Promise<Batch | undefined> {
    let next: Batch | undefined;
    await this.chain(id, async () => {
      const current = this.batches.get(id);
      if (!current) return;
      next = { ...change(current), revision: current.revision + 1 };
      await this.persistence.save(next);
      this.batches.set(id, next);
    });
    if (next) this.changed.fire({ kind: 'changed', batch: next });
    return next;
  }

  async remove(id: string): Promise<void> {
    const batch = this.batches.get(id);
    if (!batch) return;
    await this.chain(id, () => this.persistence.remove(id));
    this.batches.delete(id);
    this.changed.fire({ kind: 'removed', batch });
  }

  private chain(id: string, write: () => Promise<void>): Promise<void> {
    return this.writes.run(id, write);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
