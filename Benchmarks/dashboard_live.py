#!/usr/bin/env python3
"""How soon an open run page shows what a running `evolve` found.

Starts `galapagos evolve` on a search space, serves its run file with `galapagos serve`, and
polls the run's progress endpoint (what the live page's script asks every 3 s) every 0.25 s
for the whole run. Prints the longest wait between two updates seen through the server; a page
shows a new point at most that long plus its 3-s poll after `evolve` wrote it.

Usage: Benchmarks/dashboard_live.py [--bin .build/release/galapagos] [--seconds 60]
                                    [--space searchspaces/linear_demo.yaml] [--port 8093]
"""
import argparse, json, os, socket, subprocess, tempfile, time, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--bin", default=os.environ.get("GALAPAGOS_BIN", ".build/release/galapagos"))
parser.add_argument("--seconds", type=int, default=60)
parser.add_argument("--space", default="searchspaces/nonlinear_teacher.yaml")
parser.add_argument("--port", type=int, default=0, help="0: a free port")
args = parser.parse_args()

PAGE_POLL = 3.0  # Pages.liveScript's interval
port = args.port
if port == 0:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

with tempfile.TemporaryDirectory() as directory:
    run_file = os.path.join(directory, "live.sqlite")
    evolve = subprocess.Popen([args.bin, "evolve", "--searchspace", args.space, "--seed", "1",
                               "--max-time", f"{args.seconds}s", "--out", run_file, "--quiet"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not os.path.exists(run_file):
        time.sleep(0.05)
    serve = subprocess.Popen([args.bin, "serve", directory, "--port", str(port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/runs/live.sqlite/progress"
    started = time.time()
    seen, last_change, gaps, page_seconds = None, None, [], []
    try:
        while evolve.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    individuals = json.load(response)["individuals"]
            except Exception:
                time.sleep(0.25)
                continue
            now = time.time()
            if individuals != seen:
                if last_change is not None:
                    gaps.append(now - last_change)
                seen, last_change = individuals, now
                page = time.time()
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/runs/live.sqlite", timeout=10) as response:
                    response.read()
                page_seconds.append(time.time() - page)
            time.sleep(0.25)
    finally:
        serve.terminate()
        evolve.wait()
    gaps.sort()
    if not gaps:
        raise SystemExit("no update seen: is the dashboard in this build (default traits)?")
    print(json.dumps({"space": args.space, "seconds": round(time.time() - started, 1), "updates": len(gaps) + 1,
                      "median_gap_s": round(gaps[len(gaps) // 2], 2), "max_gap_s": round(gaps[-1], 2),
                      "worst_case_page_s": round(gaps[-1] + PAGE_POLL + max(page_seconds), 2),
                      "max_run_page_s": round(max(page_seconds), 3)}))
