/** Types of check.mjs for the tests (tracker-ui's tsconfig has no allowJs). */
export interface ContractEntry {
  name: string;
  type: string;
  from: string;
  open?: boolean;
}

export const CONTRACT: ContractEntry[];

export function check(bodies: Map<string, string>, options?: { work?: string; partial?: boolean }): string[];
