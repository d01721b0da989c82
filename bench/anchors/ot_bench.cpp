// Our timing program for the native emp-ot anchor of OtBenchmarks (docs/benchmarks.md, "Side by side on one machine";
// ../shared/anchors.md): semi-honest IKNP (emp-ot's IKNP, malicious = false, 128-bit blocks) between a sender and a
// receiver that are two threads of this one process talking over NetIO on 127.0.0.1:<port>, so the whole thing can be
// pinned to one core (as our in-process OtLoopback runs) or given two. The 127 base OTs (Chou-Orlandi, OTCO, as ours)
// run in an untimed setup; each round times only the extension, from a sync of the two parties to both having
// finished and flushed (the round's time is the slower party's). Rows, each over m = 2^20 OTs, median of R rounds
// after 2 untimed ones, with the bytes each side sent per OT:
//   iknp_chosen  send(m0, m1, m) / recv(out, r, m): chosen-message OT with chosen choice bits r (ours: IknpChosen).
//                emp builds it as three flows: random COT, the receiver's 1-bit corrections, the sender's hashed pads.
//   iknp_cot     send_cot(q, m) / recv_cot(t, r, m): correlated OT with chosen choice bits r and the sender's fixed
//                Delta, t_j = q_j ^ r_j.Delta (ours: IknpRandomCorrelated, where Delta = s; emp adds the correction flow).
//   iknp_rcot    rcot(data, m) on both sides, random choice bits (the LSB of the receiver's output), as emp-ot's own
//                bench_ot_extension / bench_iknp_rcot measure.
// Every round's outputs are checked (receiver's outputs equal the chosen messages; the COT relation holds); a failed
// check aborts. Built by bench/anchors/build.sh into <scratch>/progs/ot_bench:
//   taskset -c 1 <scratch>/progs/ot_bench <port> [R=11]       # both parties on one core
//   taskset -c 0,1 <scratch>/progs/ot_bench <port> [R=11]     # one core each (threads unpinned within the set)
#include "emp-ot/emp-ot.h"
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>
using namespace std;
using namespace emp;

static const int64_t M = int64_t{ 1 } << 20;

static void check(bool ok, const string& what) {
	if (!ok) { fprintf(stderr, "ot_bench: CHECK FAILED: %s\n", what.c_str()); abort(); }
}

static double median(vector<double> v) { sort(v.begin(), v.end()); return v[v.size() / 2]; }

// One party: its channel, its IKNP instance and its per-round times (us) and bytes sent.
struct Side {
	int role;
	unique_ptr<NetIO> io;
	unique_ptr<IKNP> ot;
	vector<double> us;
	uint64_t sent = 0;

	// Untimed setup: connect, then one chunk of RCOT so that the base OTs (the lazy bootstrap in the first begin())
	// are done before any timed round.
	void setup(int port) {
		io.reset(new NetIO(role == ALICE ? nullptr : "127.0.0.1", port, /*quiet=*/true));
		ot.reset(new IKNP(role, io.get(), /*malicious=*/false, unique_ptr<OT>(new OTCO(io.get()))));
		vector<block> warm(ot->chunk_size());
		ot->rcot(warm.data(), (int64_t)warm.size());
		io->flush();
	}

	// NetIO::sync() leaves the client's reply byte staged until its next receive: flush it now.
	void sync() { io->sync(); io->flush(); }

	// rounds + 2 rounds of op(); times all but the first two; after each round (both parties done, by a second
	// sync) verify() runs untimed on this party.
	template <class Op, class Verify> void run(int rounds, Op op, Verify verify) {
		us.clear();
		for (int r = 0; r < rounds + 2; r++) {
			sync();
			uint64_t s0 = io->bytes_sent;
			auto t = clock_start();
			op();
			io->flush();
			double elapsed = time_from(t);
			sent = io->bytes_sent - s0;
			sync();
			verify();
			sync(); // the other party's verify() may still read our outputs
			if (r >= 2) us.push_back(elapsed);
		}
	}
};

static void report(const char* op, const Side& s, const Side& r) {
	vector<double> round(s.us.size());
	for (size_t i = 0; i < round.size(); i++) round[i] = max(s.us[i], r.us[i]);
	double ms = median(round) / 1000;
	printf("op=%s n=%lld median_ms=%.2f rate_MOT_s=%.2f rounds=%zu sender_B_per_ot=%.3f receiver_B_per_ot=%.3f\n", op, (long long)M, ms,
		M / (ms * 1000), round.size(), (double)s.sent / M, (double)r.sent / M);
	fflush(stdout);
}

int main(int argc, char** argv) {
	check(argc > 1, "usage: ot_bench <port> [R=11]");
	int port = atoi(argv[1]), rounds = argc > 2 ? atoi(argv[2]) : 11;
	check(port > 0 && port < 65536 && rounds >= 1, "usage: ot_bench <port> [R=11]");

	PRG prg;
	vector<block> m0(M), m1(M), out(M), q(M), t(M);
	prg.random_block(m0.data(), M);
	prg.random_block(m1.data(), M);
	unique_ptr<bool[]> choice(new bool[M]);
	prg.random_bool(choice.get(), M);

	Side sender{ ALICE }, receiver{ BOB };
	thread ts([&] { sender.setup(port); });
	receiver.setup(port);
	ts.join();
	const block delta = sender.ot->Delta;
	check(getLSB(delta), "Delta has its LSB set");

	auto no_check = [] {};
	auto both = [&](auto sender_op, auto receiver_op, auto receiver_check) {
		thread th([&] { sender.run(rounds, sender_op, no_check); });
		receiver.run(rounds, receiver_op, receiver_check);
		th.join();
	};

	both([&] { sender.ot->send(m0.data(), m1.data(), M); }, [&] { receiver.ot->recv(out.data(), choice.get(), M); },
		[&] {
			for (int64_t i = 0; i < M; i++) check(cmpBlock(&out[i], choice[i] ? &m1[i] : &m0[i], 1), "chosen OT " + to_string(i));
			fill(out.begin(), out.end(), zero_block);
		});
	report("iknp_chosen", sender, receiver);

	both([&] { sender.ot->send_cot(q.data(), M); }, [&] { receiver.ot->recv_cot(t.data(), choice.get(), M); },
		[&] {
			for (int64_t i = 0; i < M; i++) {
				block e = choice[i] ? q[i] ^ delta : q[i];
				check(cmpBlock(&t[i], &e, 1), "COT " + to_string(i));
			}
		});
	report("iknp_cot", sender, receiver);

	both([&] { sender.ot->rcot(q.data(), M); }, [&] { receiver.ot->rcot(t.data(), M); },
		[&] {
			for (int64_t i = 0; i < M; i++) {
				block e = getLSB(t[i]) ? q[i] ^ delta : q[i];
				check(cmpBlock(&t[i], &e, 1), "RCOT " + to_string(i));
			}
		});
	report("iknp_rcot", sender, receiver);
}
