// Package eval measures biometric performance in the vocabulary of
// ISO/IEC 19795-1: false match and false non-match rates, the equal error
// rate, failure-to-enrol and failure-to-acquire rates, open-set
// identification rates, text/Markdown/JSON reports and DET plots.
//
// # Scores and thresholds
//
// Scores are similarity scores: higher means more alike. A genuine (mated)
// score compares two samples of the same hand; an impostor (non-mated) score
// compares samples of different hands. A decision threshold t accepts a
// comparison as a match when its score is >= t, so a score equal to t is a
// match. Collect each kind in a Scores; the zero value is ready to use:
//
//	var genuine, impostor eval.Scores
//	genuine.Add(0.83)
//	impostor.Add(0.12)
//	r := eval.NewReport("palm v1", &genuine, &impostor)
//	fmt.Print(r.Text())
//
// Non-finite scores are refused and counted (Scores.Rejected). Functions
// that need both kinds return an error wrapping ErrNoScores when either is
// empty.
//
// # FMR and FNMR
//
// The false match rate FMR(t) is the fraction of impostor comparisons with
// score >= t; the false non-match rate FNMR(t) is the fraction of genuine
// comparisons with score < t. Raising t lowers the FMR and raises the FNMR.
// They are rates of comparisons, not of transactions: a system that makes
// several attempts per transaction, or fails to acquire some samples, has
// false accept and false reject rates that differ from these.
//
// # EER
//
// The equal error rate is the rate where the FMR and FNMR curves cross.
// Because both curves are step functions of t, they usually cross between
// two achievable operating points; EqualErrorRate interpolates linearly
// between them and documents exactly how. The EER summarises a DET curve in
// one number but is not an operating point anyone should deploy.
//
// # Choosing a threshold from an FMR target
//
// A deployment fixes the FMR it can tolerate, say 1e-4, and takes the
// threshold from impostor scores alone: ThresholdForFMR returns the smallest
// t with FMR(t) <= target. With N impostor scores that allows at most
// floor(target·N) false matches; the threshold sits just above the impostor
// score ranked floor(target·N)+1 from the top, so ties at that score are all
// rejected. FNMRAtFMR then reads the FNMR at that threshold. NewReport does
// this for targets 1e-2, 1e-3, 1e-4, 1e-5 and 1e-6, and reports the numbers
// of genuine and impostor comparisons behind every figure.
//
// # Rule of three
//
// With N impostor comparisons and no false match observed, the FMR is not
// shown to be zero: 3/N is an approximate 95% upper confidence bound on it
// (the "rule of three", from (1−p)^N = 0.05). OperatingPoint.FMRUpper holds
// that bound whenever no false match is seen. Conversely an FMR target p can
// only be demonstrated with N >= 3/p comparisons: 3,000,000 impostor scores
// for 1e-6. Points with fewer are flagged Unresolved; their thresholds rest
// on the few highest impostor scores and should not be trusted.
//
// # FTE and FTA
//
// The failure-to-enrol rate (FTE) is the fraction of enrolment attempts, one
// per subject or hand, that produce no usable template. The
// failure-to-acquire rate (FTA) is the fraction of verification or
// identification attempts in which no sample of sufficient quality is
// captured. Both are counted with a Tally. Comparisons that never happen
// because of them are not in the FMR and FNMR.
//
// # FPIR and FNIR
//
// In 1:N identification a search returns a candidate list ranked by score.
// A mated search's probe subject is enrolled; a non-mated search's is not.
// The false negative identification rate FNIR(t) is the fraction of mated
// searches whose mate is not returned with a score >= t; the false positive
// identification rate FPIR(t) is the fraction of non-mated searches that
// return any candidate with a score >= t. The rank-1 identification rate is
// the fraction of mated searches whose first candidate is the mate, with no
// threshold. IdentificationAt counts all three.
//
// # DET curves
//
// A detection error trade-off (DET) curve plots FNMR against FMR over all
// thresholds, both on the normal-deviate scale. WriteDET draws several
// curves in one PNG, sampling each at a few thousand thresholds taken from
// the sorted scores.
//
// # Memory and concurrency
//
// Scores stores each score once, as a float64, and sorts in place when a
// metric first needs the order, so ten million impostor scores take 80 MB.
// Nothing in the package is safe for concurrent use on the same Scores; give
// each worker its own and Merge them.
package eval
