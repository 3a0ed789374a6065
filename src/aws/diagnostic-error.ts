/**
 * The one error of `doctor`'s AWS side: a failed call in one line, of a kind the report
 * groups by, with what to do about it.
 */

/** A failed AWS call, said in one line, with what to do about it. */
export class DiagnosticError extends Error {
  readonly fix: string;
  /** `network`: the endpoint did not answer (or not in time). */
  readonly kind: 'no-credentials' | 'network' | 'rejected' | 'other';
  constructor(kind: DiagnosticError['kind'], message: string, fix: string) {
    super(message);
    this.name = 'DiagnosticError';
    this.kind = kind;
    this.fix = fix;
  }
}
