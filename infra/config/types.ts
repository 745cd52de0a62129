import type { z } from 'zod';
import type {
  AlarmsSchema,
  AutoscalingSchema,
  ClusterSchema,
  ConsumerSchema,
  DeadLetterSchema,
  DeclarationSchema,
  MskClusterSchema,
  OnFailureSchema,
  PollersSchema,
  SelfManagedClusterSchema,
  TopicSchema,
  VpcSchema,
} from './schema.ts';

/** What an author writes (defaults still optional). */
export type DeclarationInput = z.input<typeof DeclarationSchema>;
/** What the app is built from: validated, defaults applied. */
export type Declaration = z.output<typeof DeclarationSchema>;
export type ClusterDeclaration = z.output<typeof ClusterSchema>;
export type MskClusterDeclaration = z.output<typeof MskClusterSchema>;
export type SelfManagedClusterDeclaration = z.output<typeof SelfManagedClusterSchema>;
export type VpcDeclaration = z.output<typeof VpcSchema>;
export type TopicDeclaration = z.output<typeof TopicSchema>;
export type ConsumerDeclaration = z.output<typeof ConsumerSchema>;
export type PollersDeclaration = z.output<typeof PollersSchema>;
export type OnFailureDeclaration = z.output<typeof OnFailureSchema>;
export type DeadLetterDeclaration = z.output<typeof DeadLetterSchema>;
export type AlarmsDeclaration = z.output<typeof AlarmsSchema>;
export type AutoscalingDeclaration = z.output<typeof AutoscalingSchema>;

/** A validated declaration plus the warnings worth printing at synth. */
export interface ParsedDeclaration {
  readonly declaration: Declaration;
  /** `path: message` lines; the app turns them into CDK warnings. */
  readonly warnings: readonly string[];
}
