// Our timing program for the native anchor of GarblingBenchmarks (docs/benchmarks.md, "Side by side on one machine"):
// emp-tool half-gates (MITCCRH) on 2^20 independent AND gates over 2 x 1024 input wires, and the Bristol Fashion
// AES-128 circuit, tables written to a reused in-memory buffer. Median of rounds; rates in M AND/s. Built by
// bench/anchors/build.sh in a scratch folder outside the repository; emp itself is never committed.
#include "emp-tool/emp-tool.h"
#include <algorithm>
#include <cstring>
#include <iostream>
#include <random>
#include <vector>
using namespace std;
using namespace emp;

class MemIO : public IOChannel {
public:
	vector<char> buf; size_t pos = 0;
	void send_data_internal(const void* d, int64_t n) override { const char* c = (const char*)d; buf.insert(buf.end(), c, c + n); }
	void recv_data_internal(void* d, int64_t n) override { memcpy(d, buf.data() + pos, n); pos += n; }
};

class AbandonIO : public IOChannel {
public:
	void send_data_internal(const void*, int64_t) override {}
	void recv_data_internal(void*, int64_t) override {}
};

static double median(vector<double> v) { sort(v.begin(), v.end()); return v[v.size() / 2]; }

int main(int argc, char** argv) {
	int rounds = argc > 1 ? atoi(argv[1]) : 11;
	const int G = 1 << 20, I = 1024;
	PRG prg;
	block delta; prg.random_block(&delta, 1); delta = set_bit(delta, 0);
	vector<block> a(I), b(I); prg.random_block(a.data(), I); prg.random_block(b.data(), I);
	mt19937 rng(1); vector<int> ia(G), ib(G);
	for (int g = 0; g < G; g++) { ia[g] = rng() % I; ib[g] = rng() % I; }
	vector<block> table(2 * (size_t)G), out(G);
	block seed; prg.random_block(&seed, 1);
	vector<double> gar, eva;
	for (int r = 0; r < rounds + 2; r++) {
		MITCCRH<8> h; h.setS(seed);
		auto t = clock_start();
		for (int g = 0; g < G; g++) { block x = a[ia[g]], y = b[ib[g]]; out[g] = halfgates_garble(x, x ^ delta, y, y ^ delta, delta, &table[2 * (size_t)g], &h); }
		double us = time_from(t);
		MITCCRH<8> he; he.setS(seed);
		auto t2 = clock_start();
		for (int g = 0; g < G; g++) out[g] = halfgates_eval(a[ia[g]], b[ib[g]], &table[2 * (size_t)g], &he);
		double us2 = time_from(t2);
		if (r >= 2) { gar.push_back(G / us); eva.push_back(G / us2); }
	}
	cout << "raw AND garble " << median(gar) << " M AND/s, evaluate " << median(eva) << " M AND/s (median of " << rounds << ")\n";

	BristolFashion cf("emp-tool/circuits/files/bristol_fashion/aes_128.txt");
	const int N = 200; // circuits per round
	Bit in[256], o[128];
	prg.random_block((block*)in, 256);
	vector<double> ag, ae;
	MemIO gio; gio.buf.reserve((size_t)N * 6400 * 32 + 1024);
	MemIO eio; eio.buf.reserve((size_t)N * 6400 * 32 + 1024);
	for (int r = 0; r < rounds + 2; r++) {
		gio.buf.clear(); // capacity kept: its pages are touched after the first round, as a reused heap's are

		backend = new HalfGateGen(&gio);
		auto t = clock_start();
		for (int i = 0; i < N; i++) cf.compute(o, in);
		double us = time_from(t);
		delete backend;
		eio.buf.assign(gio.buf.begin(), gio.buf.end()); eio.pos = 0;
		backend = new HalfGateEva(&eio);
		auto t2 = clock_start();
		for (int i = 0; i < N; i++) cf.compute(o, in);
		double us2 = time_from(t2);
		delete backend; backend = nullptr;
		if (r >= 2) { ag.push_back(N * 6400.0 / us); ae.push_back(N * 6400.0 / us2); }
	}
	{
		vector<double> ab;
		for (int r = 0; r < rounds + 2; r++) {
			AbandonIO aio; backend = new HalfGateGen(&aio);
			auto t = clock_start();
			for (int i = 0; i < N; i++) cf.compute(o, in);
			double us = time_from(t);
			delete backend; backend = nullptr;
			if (r >= 2) ab.push_back(N * 6400.0 / us);
		}
		cout << "AES-128 garble, tables discarded (emp's test_garble) " << median(ab) << " M AND/s\n";
	}
	cout << "AES-128 garble " << median(ag) << " M AND/s, evaluate " << median(ae) << " M AND/s (median of " << rounds << ", " << N << " circuits each)\n";
}
