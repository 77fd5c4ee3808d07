"""fr2en serve under load: concurrent clients against the same requests one after another.

    python benchmarks/serve.py [--clients 16] [--sentences 10] [--json FILE]

16 clients each send a different 10-sentence article (newstest2013 sentences, one per paragraph)
to ``POST /translate`` on a server on 127.0.0.1, all at once; then the same requests are sent one
after another. The model is the full-size random-weight opus-mt-fr-en on CTranslate2 (int8, CPU),
greedy and beam 4, the translation cache off, every output forced to the same number of tokens
(as in benchmarks/throughput.py) so that every run does the same work. Reported per decoding:

- the throughput of each mode (sentences/s) and their ratio concurrent/sequential;
- the yardstick: raw CTranslate2 (the same workers and batch cap) on the articles one after another
  and on all their sentences at once; what it gains is what sharing batches can gain here;
- the sequential rate against ``fr2en translate`` (``run_batch``) on the same 160 sentences as 16
  documents of 10, each document batched alone (``[batch] window_sentences`` = 10, as the server
  must with one request at a time), so that the baseline stays honest; and the concurrent rate
  against ``fr2en translate`` with its documents sharing batches (the default);
- p50/p95 request latency in each mode, and failed requests;
- the concurrent load again with malformed requests mixed in (one per client: bad JSON, a missing
  parameter, an unsupported language, a too long text, a wrong type, a too large body): every good
  request must still be answered, with one English paragraph per French one.

The server runs in a subprocess of its own (this script with ``--server``); requests are bounded in
count and each has a timeout. Needs the ``fast`` and ``serve`` extras and ``shared/data``; the model
is built once into the cache folder, as for benchmarks/throughput.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from folders import keep_outputs_until_the_end  # noqa: E402
from throughput import DEFAULT_DATA, benchmark_model, cache_folder, cpu_name  # noqa: E402

BEAMS = (1, 4)
# The status recorded for a connection reset.
RESET = -1


def _settings(plan: dict[str, Any], beam: int, out: str | None = None, window: int | None = None) -> Any:
    from fr2en.config import load_settings

    overrides: dict[str, dict[str, Any]] = {
        "model": {"name": plan["model"], "backend": "ct2", "beam": beam, "device": "cpu"}
    }
    if out:
        overrides["output"] = {"directory": out}
    if window:
        overrides["batch"] = {"window_sentences": window}
    return load_settings(overrides=overrides, environ={})


def server_main(plan_path: Path, beam: int) -> None:
    """The server process: the benchmark model (forced output length), no cache, a free port."""
    import uvicorn

    from fr2en.serve import create_app
    from fr2en.serve.worker import ModelWorker
    from fr2en.translate import load_translator

    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    settings = _settings(plan, beam)

    def build() -> Any:
        model = load_translator(settings.model, forced_output_tokens=plan["target_tokens"])
        return model, model

    worker = ModelWorker(build, settings.serve.batch_window_ms / 1000)
    worker.start()
    config = uvicorn.Config(create_app(worker, settings), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    print(f"port {server.servers[0].sockets[0].getsockname()[1]}", flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    server.should_exit = True
    thread.join()
    print(f"stats {json.dumps(worker.stats.__dict__)}", flush=True)
    worker.close()


def post(
    url: str, body: bytes, content_type: str = "application/json", timeout: float = 600
) -> tuple[int, Any]:
    """POST and return (status, JSON body or None); never raises for an HTTP status."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read())
        except ValueError:
            return error.code, None
    except (urllib.error.URLError, ConnectionError) as error:
        # The server answers 413 as soon as it sees an over-limit Content-Length and closes the
        # connection: a client still sending the body may see a reset instead of the answer.
        return RESET, str(error)


def good_request(article: str) -> bytes:
    """A LibreTranslate request for one article."""
    return json.dumps({"q": article, "source": "fr", "target": "en", "format": "text"}).encode("utf-8")


MALFORMED: list[tuple[bytes, str]] = [
    (b"{not json", "application/json"),
    (json.dumps({"source": "fr", "target": "en"}).encode(), "application/json"),
    (json.dumps({"q": "Bonjour.", "source": "de", "target": "en"}).encode(), "application/json"),
    (json.dumps({"q": "x" * 20000, "source": "fr", "target": "en"}).encode(), "application/json"),
    (json.dumps({"q": [1, 2], "source": "fr", "target": "en"}).encode(), "application/json"),
    (b"q=" + b"x" * 3_000_000 + b"&source=fr&target=en", "application/x-www-form-urlencoded"),
    (b"q=Bonjour&source=fr&target=jp", "application/x-www-form-urlencoded"),
    (b"\xff\xfe garbage", "application/octet-stream"),
]


def timed(function: Callable[[], tuple[int, Any]]) -> tuple[float, int, Any]:
    started = time.perf_counter()
    status, body = function()
    return time.perf_counter() - started, status, body


def run_sequential(url: str, articles: Sequence[str]) -> list[tuple[float, int, Any]]:
    """Every article's request, one after another."""
    return [timed(lambda a=article: post(url, good_request(a))) for article in articles]


def run_concurrent(
    url: str, requests: Sequence[tuple[bytes, str]]
) -> tuple[float, list[tuple[float, int, Any]]]:
    """Every request from its own client thread, released together; (wall seconds, results in order)."""
    results: list[tuple[float, int, Any]] = [(0.0, 0, None)] * len(requests)
    barrier = threading.Barrier(len(requests) + 1)

    def client(index: int) -> None:
        body, kind = requests[index]
        barrier.wait()
        results[index] = timed(lambda: post(url, body, kind))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def answered_right(article: str, status: int, body: Any) -> bool:
    """200 and one English paragraph per French one, none empty."""
    if status != 200 or not isinstance(body, dict) or not isinstance(body.get("translatedText"), str):
        return False
    english = body["translatedText"].split("\n\n")
    return len(english) == len(article.split("\n\n")) and all(p.strip() for p in english)


def baseline(plan: dict[str, Any], settings: Any, translator: Any) -> tuple[float, float]:
    """``fr2en translate`` (run_batch, cache off) on the articles as documents: (wall, CPU) seconds."""
    from fr2en.batch import run_batch

    out = keep_outputs_until_the_end(Path(plan["work"]), "out-")
    started, cpu = time.perf_counter(), time.process_time()
    report = run_batch(
        [plan["documents"]], out, settings, translator=translator, show_progress=False, cache=False
    )
    seconds, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    if report.failed or sum(d.sentences for d in report.documents) != len(plan["sentences"]):
        raise SystemExit("fr2en translate went wrong in the baseline")
    return seconds, cpu_s


class RawCT2:
    """The yardstick: CTranslate2 alone, as fr2en drives it on this machine (same workers, same
    batch cap), on the articles one after another or on all their sentences at once. No server
    can share batches better than this, so ``all at once ÷ one after another`` here is the
    ceiling of the server's concurrent ÷ sequential ratio on this machine."""

    def __init__(self, plan: dict[str, Any], beam: int) -> None:
        import ctranslate2
        import sentencepiece as spm

        from fr2en.translate.ct2 import split_threads
        from fr2en.translate.engine import CPU_BATCH_HYPOTHESES, available_cores

        self.workers, intra = split_threads(available_cores())
        self.model = ctranslate2.Translator(
            plan["ct2_model"],
            device="cpu",
            compute_type="int8",
            inter_threads=self.workers,
            intra_threads=intra,
        )
        processor = spm.SentencePieceProcessor(model_file=str(Path(plan["model"]) / "source.spm"))
        self.articles = [
            [[*processor.encode(s, out_type=str), "</s>"] for s in article.split("\n\n")]
            for article in plan["articles"]
        ]
        self.beam, self.length = beam, plan["target_tokens"]
        self.most = max(1, CPU_BATCH_HYPOTHESES // beam)

    def _translate(self, source: list[list[str]], batch: int) -> None:
        self.model.translate_batch(
            source,
            beam_size=self.beam,
            max_batch_size=batch,
            min_decoding_length=self.length,
            max_decoding_length=self.length,
        )

    def one_after_another(self) -> tuple[float, float]:
        """Each article alone, its sentences split over the workers (its best here): (wall, CPU) s."""
        started, cpu = time.perf_counter(), time.process_time()
        for article in self.articles:
            self._translate(article, min(self.most, -(-len(article) // self.workers)))
        return time.perf_counter() - started, time.process_time() - cpu

    def all_at_once(self) -> tuple[float, float]:
        """Every sentence in one call, in batches of at most 64 hypotheses and as many as a multiple
        of the workers (so that no worker waits for the last batch): (wall, CPU) seconds."""
        source = [s for article in self.articles for s in article]
        batches = -(-len(source) // self.most)
        batches = -(-batches // self.workers) * self.workers
        started, cpu = time.perf_counter(), time.process_time()
        self._translate(source, -(-len(source) // batches))
        return time.perf_counter() - started, time.process_time() - cpu


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system, all threads) the process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(plan: dict[str, Any], plan_path: Path, beam: int, clients: int, rounds: int) -> dict[str, Any]:
    """One decoding: ``rounds`` interleaved rounds of the baseline, sequential and concurrent loads
    (medians), then the concurrent load with malformed requests mixed in."""
    from fr2en.translate import load_translator

    articles: list[str] = plan["articles"]
    sentences = len(plan["sentences"])
    settings = _settings(plan, beam, tempfile.gettempdir())
    # fr2en translate as the server's sequential path works: each document's batches its own.
    alone = _settings(plan, beam, tempfile.gettempdir(), window=len(articles[0].split("\n\n")))
    translator = load_translator(settings.model, forced_output_tokens=plan["target_tokens"])
    raw = RawCT2(plan, beam)
    server = subprocess.Popen(
        [sys.executable, __file__, "--server", str(plan_path), str(beam)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    modes = ("translate", "translate_alone", "raw_sequential", "raw_all", "sequential", "concurrent")
    walls: dict[str, list[float]] = {mode: [] for mode in modes}
    cpus: dict[str, list[float]] = {mode: [] for mode in modes}
    sequential: list[tuple[float, int, Any]] = []
    concurrent: list[tuple[float, int, Any]] = []
    failed = 0
    try:
        assert server.stdout is not None and server.stdin is not None
        line = server.stdout.readline()
        if not line.startswith("port "):
            raise SystemExit(f"the server did not start: {line!r}")
        url = f"http://127.0.0.1:{int(line.split()[1])}/translate"
        post(url, good_request(articles[0]))  # warm-up
        for round_index in range(rounds):
            # A different order each round, so that the machine's busy moments fall on every mode.
            shift = round_index % len(modes)
            for mode in modes[shift:] + modes[:shift]:
                before = cpu_seconds(server.pid)
                if mode == "translate":
                    wall, cpu = baseline(plan, settings, translator)
                elif mode == "translate_alone":
                    wall, cpu = baseline(plan, alone, translator)
                elif mode == "raw_sequential":
                    wall, cpu = raw.one_after_another()
                elif mode == "raw_all":
                    wall, cpu = raw.all_at_once()
                elif mode == "sequential":
                    sequential = run_sequential(url, articles)
                    wall, cpu = sum(r[0] for r in sequential), cpu_seconds(server.pid) - before
                else:
                    wall, concurrent = run_concurrent(
                        url, [(good_request(a), "application/json") for a in articles]
                    )
                    cpu = cpu_seconds(server.pid) - before
                walls[mode].append(wall)
                cpus[mode].append(cpu)
                print(
                    f"beam {beam}, round {round_index + 1}: {mode} {sentences / wall:.2f} sent/s",
                    file=sys.stderr,
                )
            failed += sum(
                1
                for run in (sequential, concurrent)
                for article, r in zip(articles, run, strict=True)
                if not answered_right(article, r[1], r[2])
            )
        mixed_requests: list[tuple[bytes, str]] = []
        for index, article in enumerate(articles):
            mixed_requests.append((good_request(article), "application/json"))
            mixed_requests.append(MALFORMED[index % len(MALFORMED)])
        mixed_wall, mixed = run_concurrent(url, mixed_requests)
        server.stdin.close()
        stats_line = server.stdout.readline()
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
    good_mixed = mixed[0::2]
    bad_mixed = mixed[1::2]
    wall = {mode: statistics.median(values) for mode, values in walls.items()}
    cpu_ms = {mode: 1000 * statistics.median(values) / sentences for mode, values in cpus.items()}
    return {
        "beam": beam,
        "clients": clients,
        "sentences": sentences,
        "rounds": rounds,
        **{f"{mode}_sent_per_s": sentences / wall[mode] for mode in modes},
        "ratio_concurrent_sequential": wall["sequential"] / wall["concurrent"],
        # What CTranslate2 alone gains from the same sentences all at once: the ratio's ceiling here.
        "ceiling_raw_all_vs_sequential": wall["raw_sequential"] / wall["raw_all"],
        # The sequential server against fr2en translate batching each document on its own, as the
        # server must with one request at a time (the floor's honest baseline) ...
        "ratio_sequential_translate_alone": wall["translate_alone"] / wall["sequential"],
        # ... and against fr2en translate sharing batches across the documents (the concurrent
        # server's counterpart since documents share batches).
        "ratio_sequential_translate": wall["translate"] / wall["sequential"],
        "ratio_concurrent_translate": wall["translate"] / wall["concurrent"],
        "cpu_ms_per_sentence": cpu_ms,
        "walls_s": walls,
        "sequential_p50_s": percentile([r[0] for r in sequential], 0.5),
        "sequential_p95_s": percentile([r[0] for r in sequential], 0.95),
        "concurrent_p50_s": percentile([r[0] for r in concurrent], 0.5),
        "concurrent_p95_s": percentile([r[0] for r in concurrent], 0.95),
        "failed": failed,
        "mixed_wall_s": mixed_wall,
        "mixed_good_right": sum(
            1 for article, r in zip(articles, good_mixed, strict=True) if answered_right(article, r[1], r[2])
        ),
        "mixed_bad_statuses": sorted({r[1] for r in bad_mixed}),
        "mixed_bad_with_error_json": sum(
            1 for r in bad_mixed if 400 <= r[1] < 500 and isinstance(r[2], dict) and "error" in r[2]
        ),
        "mixed_bad_reset": sum(1 for r in bad_mixed if r[1] == RESET),
        "mixed_p95_s": percentile([r[0] for r in good_mixed], 0.95),
        "worker": json.loads(stats_line.split(" ", 1)[1]) if stats_line.startswith("stats ") else {},
    }


def prepare(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The model and its conversion (built once), the articles, the documents, the plan."""
    sentences, folder, ct2_model, vocab = benchmark_model(Path(args.data), args.clients * args.sentences)
    mean_tokens = statistics.fmean(vocab.count(s) for s in sentences)
    articles = [
        "\n\n".join(sentences[start : start + args.sentences])
        for start in range(0, len(sentences), args.sentences)
    ]
    documents = work / "documents"
    documents.mkdir()
    for index, article in enumerate(articles):
        (documents / f"article-{index:03d}.txt").write_text(article + "\n", encoding="utf-8")
    return {
        "work": str(work),
        "model": str(folder),
        "ct2_model": str(ct2_model),
        "sentences": sentences,
        "articles": articles,
        "documents": str(documents),
        "target_tokens": args.target_tokens or round(mean_tokens),
        "mean_source_tokens": mean_tokens,
    }


def table(rows: Sequence[dict[str, Any]]) -> str:
    """Two Markdown tables: throughput against its yardsticks, then latency, CPU and robustness."""
    lines = [
        "| decoding | raw CTranslate2 sent/s: articles one after another, all at once (ceiling) "
        "| fr2en serve sent/s: sequential, concurrent | concurrent ÷ sequential (floor 2.5) "
        "| fr2en translate sent/s: each document alone, shared batches "
        "| sequential ÷ translate alone (floor 0.8) | concurrent ÷ translate shared |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        decoding = "greedy" if r["beam"] == 1 else f"beam {r['beam']}"
        lines.append(
            f"| {decoding} | {r['raw_sequential_sent_per_s']:.1f}, {r['raw_all_sent_per_s']:.1f} "
            f"({r['ceiling_raw_all_vs_sequential']:.2f}×) "
            f"| {r['sequential_sent_per_s']:.1f}, {r['concurrent_sent_per_s']:.1f} "
            f"| **{r['ratio_concurrent_sequential']:.2f}×** "
            f"| {r['translate_alone_sent_per_s']:.1f}, {r['translate_sent_per_s']:.1f} "
            f"| **{r['ratio_sequential_translate_alone']:.2f}×** | {r['ratio_concurrent_translate']:.2f}× |"
        )
    lines += [
        "",
        "| decoding | CPU ms/sentence: translate alone, translate shared, sequential, concurrent "
        "| p50 / p95 s, sequential | p50 / p95 s, concurrent | failed "
        "| good answered right, malformed mixed in | model calls (requests) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        worker, cpu = r["worker"], r["cpu_ms_per_sentence"]
        decoding = "greedy" if r["beam"] == 1 else f"beam {r['beam']}"
        lines.append(
            f"| {decoding} | {cpu['translate_alone']:.0f}, {cpu['translate']:.0f}, "
            f"{cpu['sequential']:.0f}, {cpu['concurrent']:.0f} "
            f"| {r['sequential_p50_s']:.2f} / {r['sequential_p95_s']:.2f} "
            f"| {r['concurrent_p50_s']:.2f} / {r['concurrent_p95_s']:.2f} | {r['failed']} "
            f"| {r['mixed_good_right']}/{r['clients']} (malformed: {r['mixed_bad_with_error_json']}/{r['clients']} "
            f"answered {'/'.join(str(x) for x in r['mixed_bad_statuses'] if x != RESET)} with an error"
            f"{f', {reset} reset while sending 3 MB' if (reset := r.get('mixed_bad_reset')) else ''}) "
            f"| {worker.get('calls', '?')} ({worker.get('requests', '?')}) |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare, measure greedy and beam 4, print the table."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--server"]:
        server_main(Path(argv[1]), int(argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients, one article each")
    parser.add_argument("--sentences", type=int, default=10, help="sentences per article")
    parser.add_argument("--beams", default="1,4", help="beam sizes to measure (default 1,4)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds, medians (default 3)")
    parser.add_argument(
        "--target-tokens", type=int, default=0, help="forced output length (default: mean source)"
    )
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    if args.clients * args.sentences > 192:
        parser.error("at most 192 sentences in all")
    os.environ.setdefault("FR2EN_CACHE_DIR", str(cache_folder()))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    started = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="fr2en-serve-bench-") as tmp:
        work = Path(tmp)
        plan = prepare(args, work)
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        for beam in (int(b) for b in args.beams.split(",")):
            rows.append(measure(plan, plan_path, beam, args.clients, args.rounds))
            print(f"beam {beam}: {json.dumps(rows[-1])}", file=sys.stderr)
    print(
        f"{args.rounds} interleaved rounds, medians (p50/p95 from the last round); "
        f"{args.clients} clients × {args.sentences}-sentence articles ({len(plan['sentences'])} newstest2013 "
        f"sentences), ct2 int8 on CPU, cache off, outputs forced to {plan['target_tokens']} tokens "
        f"(mean source {plan['mean_source_tokens']:.1f}); {cores} cores ({cpu_name()}), "
        f"python {platform.python_version()}; {time.perf_counter() - started:.0f} s in all"
    )
    print()
    print(table(rows))
    if args.json is not None:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
