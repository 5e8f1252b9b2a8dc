import Testing

/// Every test that needs the machine's pcscd. They share its virtual readers and one of them restarts pcscd,
/// so all of them run one at a time, suite after suite, while the rest of the test run goes on in parallel.
@Suite("pcscd (real PC/SC stack)", .serialized)
enum PCSCD {}
