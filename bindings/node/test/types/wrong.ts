// Must NOT type-check (test/types.test.js expects exactly these errors): the union
// gives each event its own data.
import { Verifier } from 'hookshield';

const verifier = new Verifier({ provider: 'sentinel', secrets: 'whsec_x' });
const event = verifier.verify('{}', {});
if (event.documented && event.type === 'document.failed') {
  const wrong: number = event.data.error_code; // TS2322: string | null | undefined
  void wrong;
}
if (event.documented && event.type === 'report.generated') {
  const id: string = event.data.document_id; // TS2322: unknown (not a report field)
  void id;
}
if (event.type === 'report.generated') {
  const typed: null = event.untypedReason; // TS2322: without `documented`, it may be untyped
  void typed;
}
