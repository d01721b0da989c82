// Our timing program for the native SEAL anchor of BfvBenchmarks, NttBenchmarks and MatVecBenchmarks
// (docs/benchmarks.md, "Side by side on one machine"; ../shared/anchors.md). SEAL 4.4.3 without HEXL, BFV at
// n = 8192 and n = 4096 with CoeffModulus::BFVDefault(n) and t = 1032193 (prime, = 1 mod 2n: batching), real keys.
// Every row is the median of R calls after 3 warm-ups (key generation: max(1, R/2) calls), in microseconds:
//   ntt_forward / ntt_inverse   one limb, util::(inverse_)ntt_negacyclic_harvey with the first prime's tables
//   encode / decode             BatchEncoder, into a preallocated plaintext / vector
//   encrypt_pk / encrypt_sk     Encryptor::encrypt / encrypt_symmetric, into a preallocated ciphertext
//   decrypt, add                add into a preallocated destination (add_inplace: in place, the same a every call)
//   multiply_plain              normal form, into a destination (SEAL copies a into it, then multiplies in place)
//   multiply_plain_ntt          a and the plaintext both transform_to_ntt_inplace'd first; into a destination as
//                               above (multiply_plain_ntt_inplace: in place on one NTT-form copy, no copy per call)
//   multiply                    into a destination (3 components); relinearize: a 3-component product into a
//                               2-component destination; multiply_relinearize: both
//   rotate_rows_1               rotate_rows(a, 1) into a destination, Galois key for step 1 only
//   keygen_relin / keygen_galois_1   create_relin_keys(RelinKeys&) / create_galois_keys({1}, GaloisKeys&)
//   rotate_rows_k4 / _k16       SEAL has no hoisting: k separate rotate_rows(a, s) for s = 1..k (keys for 1..16);
//                               median_us is per rotation (the k-call median divided by k)
//   matvec_RxC_pP (n = 8192)    the packed BSGS diagonal mat-vec of our MatVec.Multiply (src/Seco.Lattice/Linear) at
//                               128x784 and 10x128, with the ciphertext at all 4 data primes of BFVDefault(8192) or
//                               mod-switched twice to the first 2 (as MatVecBenchmarks does), diagonals pre-encoded in
//                               NTT form at that level. Every power-of-two baby-step count B | h is tried (median of
//                               max(3, R/10) calls each, one line per B), then the best B is timed with R calls; the
//                               rows print the operation counts next to ours (ours hoists its B-1 baby rotations).
// Every operation is checked once against the plaintext computation (decrypt(encrypt(x)) == x, rotations rotate,
// mat-vec = M.x mod t); a failed check aborts. Built by bench/anchors/build.sh into <scratch>/progs/seal_bench:
//   taskset -c 1 <scratch>/progs/seal_bench [R=100]
#include "seal/seal.h"
#include "seal/util/ntt.h"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>
using namespace std;
using namespace seal;

static const uint64_t T = 1032193; // our BfvPresets.Default4096/8192 plain modulus
static int R = 100;
static mt19937_64 rng(1);

static void check(bool ok, const string& what) {
	if (!ok) { fprintf(stderr, "seal_bench: CHECK FAILED: %s\n", what.c_str()); abort(); }
}

static double median(vector<double> v) { sort(v.begin(), v.end()); return v[v.size() / 2]; }

// Median in microseconds of `calls` calls of f after 3 warm-ups.
template <class F> static double time_us(int calls, F&& f) {
	for (int i = 0; i < 3; i++) f();
	vector<double> ts(calls);
	for (int i = 0; i < calls; i++) {
		auto t0 = chrono::steady_clock::now();
		f();
		ts[i] = chrono::duration<double, micro>(chrono::steady_clock::now() - t0).count();
	}
	return median(ts);
}

static void row(int n, const string& op, double us, int calls, const string& extra = "") {
	printf("n=%d op=%s median_us=%.1f calls=%d%s%s\n", n, op.c_str(), us, calls, extra.empty() ? "" : " ", extra.c_str());
	fflush(stdout);
}

static vector<uint64_t> random_slots(size_t n) {
	vector<uint64_t> v(n);
	for (auto& x : v) x = rng() % T;
	return v;
}

struct Bfv {
	int n;
	SEALContext context;
	KeyGenerator keygen;
	PublicKey pk;
	Encryptor enc;
	Decryptor dec;
	Evaluator ev;
	BatchEncoder be;
	static EncryptionParameters params(int n) {
		EncryptionParameters p(scheme_type::bfv);
		p.set_poly_modulus_degree(n);
		p.set_coeff_modulus(CoeffModulus::BFVDefault(n));
		p.set_plain_modulus(T);
		return p;
	}
	static PublicKey make_pk(KeyGenerator& kg) { PublicKey p; kg.create_public_key(p); return p; }
	explicit Bfv(int n_) : n(n_), context(params(n_)), keygen(context), pk(make_pk(keygen)),
		enc(context, pk, keygen.secret_key()), dec(context, keygen.secret_key()), ev(context), be(context) {}
	vector<uint64_t> decrypt(const Ciphertext& c) {
		Plaintext p; dec.decrypt(c, p);
		vector<uint64_t> v; be.decode(p, v);
		return v;
	}
};

// Slot vector rotated left by s within each of the two rows (SEAL's rotate_rows(s), s > 0).
static vector<uint64_t> rotated(const vector<uint64_t>& v, int s) {
	size_t h = v.size() / 2;
	vector<uint64_t> r(v.size());
	for (size_t i = 0; i < h; i++) { r[i] = v[(i + s) % h]; r[h + i] = v[h + (i + s) % h]; }
	return r;
}

static void check_parameters(Bfv& b) {
	int n = b.n;
	bool prime = T > 1;
	for (uint64_t d = 2; d * d <= T; d++) prime &= T % d != 0;
	check(prime, "t = 1032193 is prime");
	check(T % (2 * (uint64_t)n) == 1, "t = 1 mod 2n");
	check(PlainModulus::Batching(n, 20).value() == T, "t is SEAL's PlainModulus::Batching(n, 20)");
	check(b.context.parameters_set() && b.context.first_context_data()->qualifiers().using_batching, "SEAL accepts the parameters with batching");
	string bits;
	for (auto& q : b.context.key_context_data()->parms().coeff_modulus()) bits += (bits.empty() ? "" : "+") + to_string(q.bit_count());
	printf("# n=%d q=%s bits (%d, last is the special prime) t=%llu prime, = 1 mod %d, batching\n", n, bits.c_str(),
		b.context.key_context_data()->total_coeff_modulus_bit_count(), (unsigned long long)T, 2 * n);
}

static void bench_ops(int n) {
	Bfv b(n);
	check_parameters(b);
	Evaluator& ev = b.ev;
	const int K = max(1, R / 2);

	// NTT of one limb with the first prime's tables.
	{
		const util::NTTTables& tables = b.context.first_context_data()->small_ntt_tables()[0];
		uint64_t q = tables.modulus().value();
		vector<uint64_t> limb(n), orig;
		for (auto& x : limb) x = rng() % q;
		orig = limb;
		util::ntt_negacyclic_harvey(limb.data(), tables);
		util::inverse_ntt_negacyclic_harvey(limb.data(), tables);
		check(limb == orig, "inverse NTT(NTT(x)) == x");
		// Both map [0, q) to [0, q) in place, so transforming the same buffer again is valid and costs the same.
		row(n, "ntt_forward", time_us(R, [&] { util::ntt_negacyclic_harvey(limb.data(), tables); }), R);
		row(n, "ntt_inverse", time_us(R, [&] { util::inverse_ntt_negacyclic_harvey(limb.data(), tables); }), R);
	}

	vector<uint64_t> x = random_slots(n), xr(x.rbegin(), x.rend()), out;
	Plaintext plain, plain2;
	b.be.encode(x, plain);
	b.be.decode(plain, out);
	check(out == x, "decode(encode(x)) == x");
	row(n, "encode", time_us(R, [&] { b.be.encode(x, plain2); }), R);
	row(n, "decode", time_us(R, [&] { b.be.decode(plain, out); }), R);

	Ciphertext a, bb, ct;
	b.enc.encrypt(plain, a);
	check(b.decrypt(a) == x, "decrypt(encrypt_pk(x)) == x");
	b.enc.encrypt_symmetric(plain, ct);
	check(b.decrypt(ct) == x, "decrypt(encrypt_sk(x)) == x");
	{ Plaintext p; b.be.encode(xr, p); b.enc.encrypt(p, bb); }
	row(n, "encrypt_pk", time_us(R, [&] { b.enc.encrypt(plain, ct); }), R);
	row(n, "encrypt_sk", time_us(R, [&] { b.enc.encrypt_symmetric(plain, ct); }), R);
	row(n, "decrypt", time_us(R, [&] { b.dec.decrypt(a, plain2); }), R);

	auto slotwise = [&](const vector<uint64_t>& u, const vector<uint64_t>& v, bool mul) {
		vector<uint64_t> w(u.size());
		for (size_t i = 0; i < u.size(); i++) w[i] = mul ? (u[i] * v[i]) % T : (u[i] + v[i]) % T; // < 2^40: no overflow
		return w;
	};
	Ciphertext dest, dest3, prod;
	ev.add(a, bb, dest);
	check(b.decrypt(dest) == slotwise(x, xr, false), "add");
	row(n, "add", time_us(R, [&] { ev.add(a, bb, dest); }), R);
	{
		Ciphertext acc = a;
		row(n, "add_inplace", time_us(R, [&] { ev.add_inplace(acc, bb); }), R);
	}

	ev.multiply_plain(a, plain, dest);
	check(b.decrypt(dest) == slotwise(x, x, true), "multiply_plain");
	row(n, "multiply_plain", time_us(R, [&] { ev.multiply_plain(a, plain, dest); }), R);
	{
		Ciphertext aNtt = a;
		Plaintext plainNtt = plain;
		ev.transform_to_ntt_inplace(aNtt);
		ev.transform_to_ntt_inplace(plainNtt, aNtt.parms_id());
		ev.multiply_plain(aNtt, plainNtt, dest);
		Ciphertext back = dest;
		ev.transform_from_ntt_inplace(back);
		check(b.decrypt(back) == slotwise(x, x, true), "multiply_plain in NTT form");
		row(n, "multiply_plain_ntt", time_us(R, [&] { ev.multiply_plain(aNtt, plainNtt, dest); }), R);
		// The in-place product compounds into `acc` (its noise grows); the cost does not depend on the values.
		Ciphertext acc = aNtt;
		row(n, "multiply_plain_ntt_inplace", time_us(R, [&] { ev.multiply_plain_inplace(acc, plainNtt); }), R);
	}

	RelinKeys rlk;
	b.keygen.create_relin_keys(rlk);
	ev.multiply(a, bb, prod);
	check(prod.size() == 3 && b.decrypt(prod) == slotwise(x, xr, true), "multiply (3 components)");
	row(n, "multiply", time_us(R, [&] { ev.multiply(a, bb, dest3); }), R);
	ev.relinearize(prod, rlk, dest);
	check(dest.size() == 2 && b.decrypt(dest) == slotwise(x, xr, true), "relinearize");
	row(n, "relinearize", time_us(R, [&] { ev.relinearize(prod, rlk, dest); }), R);
	row(n, "multiply_relinearize", time_us(R, [&] { ev.multiply(a, bb, dest3); ev.relinearize(dest3, rlk, dest); }), R);

	GaloisKeys gk;
	b.keygen.create_galois_keys(vector<int>{ 1 }, gk);
	check(gk.size() == 1, "one Galois key");
	ev.rotate_rows(a, 1, gk, dest);
	check(b.decrypt(dest) == rotated(x, 1), "rotate_rows(1)");
	row(n, "rotate_rows_1", time_us(R, [&] { ev.rotate_rows(a, 1, gk, dest); }), R);

	{
		RelinKeys r2;
		GaloisKeys g2;
		row(n, "keygen_relin", time_us(K, [&] { b.keygen.create_relin_keys(r2); }), K);
		row(n, "keygen_galois_1", time_us(K, [&] { b.keygen.create_galois_keys(vector<int>{ 1 }, g2); }), K);
	}

	// Baseline for hoisted rotations: k rotations of one ciphertext as k separate rotate_rows calls.
	{
		vector<int> steps;
		for (int s = 1; s <= 16; s++) steps.push_back(s);
		GaloisKeys g16;
		b.keygen.create_galois_keys(steps, g16);
		vector<Ciphertext> rot(17);
		for (int k : { 4, 16 }) {
			for (int s = 1; s <= k; s++) ev.rotate_rows(a, s, g16, rot[s]);
			for (int s = 1; s <= k; s++) check(b.decrypt(rot[s]) == rotated(x, s), "rotate_rows(" + to_string(s) + ")");
			double us = time_us(R, [&] { for (int s = 1; s <= k; s++) ev.rotate_rows(a, s, g16, rot[s]); });
			row(n, "rotate_rows_k" + to_string(k), us / k, R, "per_rotation=1 k=" + to_string(k) + " total_us=" + to_string((int)us));
		}
	}
}

// ---- Packed BSGS mat-vec, as MatVecLayout / PlainDiagonalMatrix / MatVec.Multiply in src/Seco.Lattice/Linear ----

static int pow2_at_least(int v) { int p = 2; while (p < v) p *= 2; return p; }
static int log2i(int v) { int l = 0; while ((1 << l) < v) l++; return l; }

struct Layout {
	int rows, cols, S, mp, kp, D, h, B, G;
	vector<int> folds;
	Layout(int rows_, int cols_, int n, int babies) : rows(rows_), cols(cols_), S(n / 2) {
		mp = pow2_at_least(rows); kp = pow2_at_least(cols);
		D = min(mp, kp); h = D / 2; B = babies; G = h / B;
		for (int c = mp; c < kp; c *= 2) folds.push_back(c);
	}
	// Our MatVecLayout.BabySteps: 2^ceil(log2(h) / 2).
	static int ours(int h) { return 1 << ((log2i(h) + 1) / 2); }
	// Every rotation step the product uses; 0 = the row swap (SEAL's get_elt_from_step(0)).
	vector<int> steps() const {
		vector<int> s{ 0 };
		for (int b = 1; b < B; b++) s.push_back(b);
		for (int g = 1; g < G; g++) s.push_back(g * B);
		for (int f : folds) s.push_back(f);
		sort(s.begin(), s.end());
		s.erase(unique(s.begin(), s.end()), s.end());
		return s;
	}
	// Row 0: x repeated with period k' (zero-padded from k); row 1: the same rotated left by h.
	vector<uint64_t> pack_input(const vector<uint64_t>& x) const {
		vector<uint64_t> slots(2 * S);
		for (int s = 0; s < S; s++) {
			int c0 = s % kp, c1 = (s + h) % kp;
			slots[s] = c0 < cols ? x[c0] : 0;
			slots[S + s] = c1 < cols ? x[c1] : 0;
		}
		return slots;
	}
	// Plaintext (g, b): row 0 is diag_{gB+b}, row 1 diag_{h+gB+b}, both rotated right by gB. False if all zero.
	bool diagonal_slots(const vector<uint64_t>& m, int g, int b, vector<uint64_t>& slots) const {
		fill(slots.begin(), slots.end(), 0);
		int shift = g * B, i0 = shift + b, length = max(mp, kp);
		bool any = false;
		for (int half = 0; half < 2; half++) {
			int i = i0 + half * h;
			for (int j = 0; j < length; j++) {
				int r = j % mp, c = (j + i) % kp;
				if (r >= rows || c >= cols) continue;
				uint64_t v = m[(size_t)r * cols + c];
				slots[half * S + (j + shift) % S] = v;
				any |= v != 0;
			}
		}
		return any;
	}
};

struct MatVec {
	Bfv& b;
	Layout L;
	GaloisKeys gk;
	vector<Plaintext> diag; // [g*B + b], NTT form at the ciphertext's level
	vector<bool> present;
	vector<Ciphertext> baby;
	Ciphertext inner, tmp, result, swapped;
	int used_babies = 0, used_giants = 0, nonzero = 0; // counts for the printout

	MatVec(Bfv& b_, const Layout& L_, const vector<uint64_t>& m, parms_id_type level) : b(b_), L(L_) {
		b.keygen.create_galois_keys(L.steps(), gk);
		diag.resize(L.h); present.assign(L.h, false);
		vector<uint64_t> slots(2 * L.S);
		for (int g = 0; g < L.G; g++)
			for (int bb = 0; bb < L.B; bb++)
				if (L.diagonal_slots(m, g, bb, slots)) {
					b.be.encode(slots, diag[g * L.B + bb]);
					b.ev.transform_to_ntt_inplace(diag[g * L.B + bb], level);
					present[g * L.B + bb] = true;
					nonzero++;
				}
		baby.resize(L.B);
		for (int bb = 0; bb < L.B; bb++)
			for (int g = 0; g < L.G; g++)
				if (present[g * L.B + bb]) { used_babies++; break; }
		for (int g = 0; g < L.G; g++)
			for (int bb = 0; bb < L.B; bb++)
				if (present[g * L.B + bb]) { used_giants++; break; }
	}
	bool uses_baby(int bb) const {
		for (int g = 0; g < L.G; g++) if (present[g * L.B + bb]) return true;
		return false;
	}
	// y = M.x: baby rotations rot(x, b) (separate rotate_rows calls: SEAL has no hoisting), each to NTT form; per giant
	// step the NTT-form products with its diagonals summed, back from NTT, rotated by gB and added; then the row swap
	// and the fold rotations. The result is in coefficient form, like ours.
	const Ciphertext& multiply(const Ciphertext& x) {
		Evaluator& ev = b.ev;
		for (int bb = 0; bb < L.B; bb++) {
			if (!uses_baby(bb)) continue;
			if (bb == 0) baby[0] = x; else ev.rotate_rows(x, bb, gk, baby[bb]);
			ev.transform_to_ntt_inplace(baby[bb]);
		}
		bool have = false;
		for (int g = 0; g < L.G; g++) {
			bool any = false;
			for (int bb = 0; bb < L.B; bb++) {
				const int i = g * L.B + bb;
				if (!present[i]) continue;
				if (!any) ev.multiply_plain(baby[bb], diag[i], inner);
				else { ev.multiply_plain(baby[bb], diag[i], tmp); ev.add_inplace(inner, tmp); }
				any = true;
			}
			if (!any) continue;
			ev.transform_from_ntt_inplace(inner);
			if (g > 0) ev.rotate_rows_inplace(inner, g * L.B, gk);
			if (!have) { std::swap(result, inner); have = true; } else ev.add_inplace(result, inner);
		}
		check(have, "the matrix has a non-zero diagonal");
		ev.rotate_columns(result, gk, swapped);
		ev.add_inplace(result, swapped);
		for (int f : L.folds) { ev.rotate_rows(result, f, gk, tmp); ev.add_inplace(result, tmp); }
		return result;
	}
	int rotations() const { return baby_rotations() + giant_rotations() + 1 + (int)L.folds.size(); }
	bool present_in_giant(int g) const {
		for (int bb = 0; bb < L.B; bb++) if (present[g * L.B + bb]) return true;
		return false;
	}
	int baby_rotations() const { return used_babies - (uses_baby(0) ? 1 : 0); }
	int giant_rotations() const { return used_giants - (present_in_giant(0) ? 1 : 0); }
	// ntt_fwd / ntt_inv: whole-ciphertext transforms (2 polynomials x level limbs each).
	string counts() const {
		return "baby=" + to_string(L.B) + " giant=" + to_string(L.G) + " rotations=" + to_string(rotations()) + " baby_rot=" +
			to_string(baby_rotations()) + " giant_rot=" + to_string(giant_rotations()) + " swap_rot=1 fold_rot=" + to_string(L.folds.size()) +
			" plain_mults=" + to_string(nonzero) + " ntt_fwd=" + to_string(used_babies) + " ntt_inv=" + to_string(used_giants);
	}
	// Ours (MatVec.Multiply) at this plan: the same rotations, but the baby ones hoisted (one decomposition of x), and
	// each giant step's products accumulated unreduced in 128 bits with one reduction per limb.
	string ours_counts() const {
		return "ours_baby=" + to_string(L.B) + " ours_giant=" + to_string(L.G) + " ours_rotations=" + to_string(rotations()) +
			" ours_hoisted_baby_rot=" + to_string(baby_rotations()) + " ours_plain_mults=" + to_string(nonzero);
	}
};

static void bench_matvec(Bfv& b, int rows, int cols, int primes) {
	vector<uint64_t> m = random_slots((size_t)rows * cols), xv = random_slots(cols);
	vector<uint64_t> expected(rows);
	for (int r = 0; r < rows; r++) {
		unsigned __int128 acc = 0;
		for (int c = 0; c < cols; c++) acc += (unsigned __int128)m[(size_t)r * cols + c] * xv[c];
		expected[r] = (uint64_t)(acc % T);
	}
	const int h = Layout(rows, cols, b.n, 1).h, ours = Layout::ours(h);
	string op = "matvec_" + to_string(rows) + "x" + to_string(cols) + "_p" + to_string(primes);

	// The input as our MatVecBenchmarks builds it: packed, encrypted with the public key at the top level, then
	// mod-switched down (dropping the last data prime each time) until `primes` primes remain.
	Ciphertext x;
	{
		Plaintext p;
		b.be.encode(Layout(rows, cols, b.n, ours).pack_input(xv), p);
		b.enc.encrypt(p, x);
		while (b.context.get_context_data(x.parms_id())->parms().coeff_modulus().size() > (size_t)primes) b.ev.mod_switch_to_next_inplace(x);
		check(b.context.get_context_data(x.parms_id())->parms().coeff_modulus().size() == (size_t)primes, op + ": level");
	}

	const int search_calls = max(3, R / 10);
	int best = 0;
	double best_us = 1e300;
	for (int B = 1; B <= h; B *= 2) {
		MatVec mv(b, Layout(rows, cols, b.n, B), m, x.parms_id());
		vector<uint64_t> y = b.decrypt(mv.multiply(x));
		for (int r = 0; r < rows; r++) check(y[r] == expected[r] && y[b.n / 2 + r] == expected[r], op + " with B = " + to_string(B) + ": y = M.x mod t");
		double us = time_us(search_calls, [&] { mv.multiply(x); });
		row(b.n, op, us, search_calls, "search=1 " + mv.counts() + (B == ours ? " is_ours=1" : ""));
		if (us < best_us) { best_us = us; best = B; }
	}
	MatVec mv(b, Layout(rows, cols, b.n, best), m, x.parms_id());
	MatVec ov(b, Layout(rows, cols, b.n, ours), m, x.parms_id());
	row(b.n, op, time_us(R, [&] { mv.multiply(x); }), R, "best=1 " + mv.counts() + " " + ov.ours_counts());
}

int main(int argc, char** argv) {
	R = argc > 1 ? atoi(argv[1]) : 100;
	check(R >= 1, "R >= 1");
	bench_ops(8192);
	bench_ops(4096);
	Bfv b(8192);
	for (auto shape : { make_pair(128, 784), make_pair(10, 128) })
		for (int primes : { 4, 2 }) bench_matvec(b, shape.first, shape.second, primes);
}
