import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { MAX_EFFECTS_PER_RECORD } from './constants.ts';
import { addOnlyItem, canMergeAddOnly, copyAddOnly, itemIdentity, mergeAddOnly, parseAddOnly } from './effect-items.ts';
import type { AddOnlyUpdate, TableKeySchemas } from './effect-items.ts';

type Entry =
  | { readonly kind: 'plain'; readonly item: TransactWriteItem; readonly owner: number }
  | { readonly kind: 'add'; readonly update: AddOnlyUpdate; readonly owner: number };

/** Why `add` refused a unit. */
export type PackRefusal =
  | { readonly fits: false; readonly reason: 'full' }
  /** The unit writes an item already in the transaction (and the two cannot be merged). */
  | { readonly fits: false; readonly reason: 'conflict'; readonly effectIndex: number; readonly otherOwner: number };

/**
 * The effects of consecutive units (records) packed into one transaction: at most
 * `maxItems` items, each item written once. `ADD`-only updates of the same item merge into
 * one (their amounts summed), so a counter every record bumps costs one item per
 * transaction, not one per record.
 */
export class TransactionPacker {
  readonly #schemas: TableKeySchemas | undefined;
  readonly #maxItems: number;
  readonly #entries: Entry[] = [];
  readonly #byIdentity = new Map<string, number>();

  constructor(options: { schemas?: TableKeySchemas | undefined; maxItems?: number } = {}) {
    this.#schemas = options.schemas;
    this.#maxItems = options.maxItems ?? MAX_EFFECTS_PER_RECORD;
  }

  /** Items in the transaction so far (after merging). */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * Adds the unit's effects if they fit (room left, no item written twice): all or none.
   * An empty packer takes any unit without an internal conflict, whatever its size.
   */
  add(effects: readonly TransactWriteItem[], owner: number): { readonly fits: true } | PackRefusal {
    // A dry run first: nothing changes unless the whole unit fits. Merges into entries already
    // packed go into copies, swapped in on success.
    const staged: Entry[] = [];
    const stagedByIdentity = new Map<string, number>();
    const replacements = new Map<number, AddOnlyUpdate>();
    for (const [effectIndex, item] of effects.entries()) {
      this.#schemas?.learn(item);
      const identity = itemIdentity(item, this.#schemas);
      if (identity === undefined) {
        staged.push({ kind: 'plain', item, owner });
        continue;
      }
      const update = parseAddOnly(item);
      const stagedIndex = stagedByIdentity.get(identity);
      const existingIndex = this.#byIdentity.get(identity);
      const other = stagedIndex !== undefined ? staged[stagedIndex] : existingIndex !== undefined ? this.#entries[existingIndex] : undefined;
      if (other === undefined) {
        stagedByIdentity.set(identity, staged.length);
        staged.push(update === undefined ? { kind: 'plain', item, owner } : { kind: 'add', update: copyAddOnly(update), owner });
        continue;
      }
      const target =
        other.kind !== 'add'
          ? undefined
          : stagedIndex !== undefined
            ? other.update
            : (replacements.get(existingIndex as number) ?? copyAddOnly(other.update));
      if (target === undefined || update === undefined || !canMergeAddOnly(target, update)) {
        return { fits: false, reason: 'conflict', effectIndex, otherOwner: other.owner };
      }
      mergeAddOnly(target, update);
      if (stagedIndex === undefined) replacements.set(existingIndex as number, target);
    }
    if (this.#entries.length > 0 && this.#entries.length + staged.length > this.#maxItems) return { fits: false, reason: 'full' };
    for (const [index, update] of replacements) {
      const entry = this.#entries[index] as Extract<Entry, { kind: 'add' }>;
      this.#entries[index] = { kind: 'add', update, owner: entry.owner };
    }
    for (const [identity, index] of stagedByIdentity) this.#byIdentity.set(identity, this.#entries.length + index);
    this.#entries.push(...staged);
    return { fits: true };
  }

  /** The transaction items, merged counters included, in the order units were added. */
  items(): TransactWriteItem[] {
    return this.#entries.map((entry) => (entry.kind === 'plain' ? entry.item : addOnlyItem(entry.update)));
  }

  /** The unit that contributed item `index` first. */
  ownerOf(index: number): number | undefined {
    return this.#entries[index]?.owner;
  }
}

/** One planned transaction: consecutive units and their packed items. */
export interface PlannedTransaction<U> {
  readonly units: readonly U[];
  readonly packer: TransactionPacker;
}

/**
 * Greedy, in order: each transaction takes as many consecutive units as fit (at most
 * `maxItems` items after merging, no item twice). Every unit must fit an empty transaction
 * (validate with `checkEffects` first). Greedy packing keeps any two neighbouring
 * transactions above `maxItems` items together, so requests stay O(items / maxItems).
 */
export function planTransactions<U extends { readonly effects: readonly TransactWriteItem[] }>(
  units: readonly U[],
  options: { schemas?: TableKeySchemas | undefined; maxItems?: number } = {},
): PlannedTransaction<U>[] {
  const plan: PlannedTransaction<U>[] = [];
  let current: { units: U[]; packer: TransactionPacker } | undefined;
  for (const unit of units) {
    if (current !== undefined && current.packer.add(unit.effects, current.units.length).fits) {
      current.units.push(unit);
      continue;
    }
    current = { units: [unit], packer: new TransactionPacker(options) };
    const first = current.packer.add(unit.effects, 0);
    if (!first.fits) throw new Error(`a unit of ${unit.effects.length} effects does not fit an empty transaction (validate it first)`);
    plan.push(current);
  }
  return plan;
}
