#!/bin/sh
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Native tests of the Linux baseline: run the demo (both scenarios, both log paths) and a quick benchmark,
# with the plain build and the ASan + UBSan build, and check what their output says. No assertion depends on
# timing: only on which lines appear, how often, and that the benchmark's lines are well formed.
# Environment: BUILD_DIR, RESULTS_DIR.

set -u
work="$BUILD_DIR/baseline-test"
passed=0
failed=0

ok() { echo "[  OK  ] baseline: $1"; passed=$((passed + 1)); }
bad() { echo "[ FAIL ] baseline: $1"; failed=$((failed + 1)); }
finish() {
    echo "baseline: $passed passed, $failed failed"
    mkdir -p "$RESULTS_DIR" && echo "$passed $failed 0" > "$RESULTS_DIR/baseline.txt"
    [ "$failed" -eq 0 ]
    exit $?
}

# check DESCRIPTION FILE REGEX: at least one line matches.
check() {
    if grep -Eq -- "$3" "$2"; then ok "$1"; else bad "$1 (no line matches /$3/ in $2)"; fi
}
# count DESCRIPTION FILE N REGEX: exactly N lines match.
count() {
    n=$(grep -Ec -- "$4" "$2")
    if [ "$n" -eq "$3" ]; then ok "$1"; else bad "$1 (expected $3 lines matching /$4/, found $n in $2)"; fi
}
# absent DESCRIPTION FILE REGEX: no line matches.
absent() {
    if grep -Eq -- "$3" "$2"; then bad "$1 (unexpected: $(grep -E -m1 -- "$3" "$2"))"; else ok "$1"; fi
}
# section FILE FROM TO: the lines from the one matching FROM up to the one before TO (or the end).
section() {
    awk -v from="$2" -v to="$3" '$0 ~ from { on = 1 } to != "" && $0 ~ to { on = 0 } on' "$1"
}

# run NAME TIMEOUT COMMAND...: run with a time limit, output in $work/NAME.out; true if it exited 0.
run() {
    name=$1
    limit=$2
    shift 2
    timeout -k 10 "$limit" "$@" > "$work/$name.out" 2>&1
    status=$?
    echo "$status" > "$work/$name.status"
    return $status
}

rm -rf "$work"
mkdir -p "$work"

for variant in baseline baseline-san; do
    bin="$BUILD_DIR/$variant/sel4ft-baseline"
    if [ "$variant" = baseline ]; then tag=plain; else tag=asan+ubsan; fi
    if [ ! -x "$bin" ]; then
        bad "$tag: $bin was not built (make baseline)"
        continue
    fi

    # The demo with the library's log ring.
    if run "$tag-demo" 60 "$bin" demo; then
        ok "$tag: demo exits 0 (both scenarios showed what they are for)"
    else
        bad "$tag: demo exited with status $(cat "$work/$tag-demo.status") (see $work/$tag-demo.out)"
    fi
    out="$work/$tag-demo.out"
    section "$out" '^demo: == scenario isolated' '^demo: == scenario shared' > "$work/$tag-isolated.out"
    section "$out" '^demo: == scenario shared' '^demo: scenario isolated:' > "$work/$tag-shared.out"
    iso="$work/$tag-isolated.out"
    shr="$work/$tag-shared.out"

    # Prefixes of the lines checked below.
    sup='^supervisor\|'
    cli='^client\|INFO: '
    both='requests \(15 through shared memory, 15 over the socket\)'
    after='after the crash: 50 requests \(25 through shared memory, 25 over the socket\)'

    check "$tag: isolated: the server starts with a private table" "$iso" \
        '^server\|INFO: key-value store ready \(incarnation 1\): table in private memory'
    check "$tag: isolated: all 30 requests before the crash succeed" "$iso" \
        "${cli}before the crash: 30 $both, 30 succeeded, 0 failed\$"
    count "$tag: isolated: the crasher crashes in each of its 4 incarnations" "$iso" 4 \
        '^crasher\|INFO: dereferencing NULL now$'
    count "$tag: isolated: every crasher request is answered" "$iso" 4 \
        '^crasher\|INFO: test request answered: SEL4FT_RPC_OK$'
    count "$tag: isolated: the supervisor sees SIGSEGV each time" "$iso" 4 \
        "${sup}ERROR: crasher: killed by signal 11 \\(SIGSEGV\\) \\(pid [0-9]+, incarnation [1-4]\\)"
    check "$tag: isolated: first failure restarts at once (library policy)" "$iso" \
        "${sup}WARN: crasher: restarting now as incarnation 2 \\(restart 1 in the window\\): first failure: restart at once\$"
    check "$tag: isolated: second failure restarts after a 1 ms back-off" "$iso" \
        "${sup}WARN: crasher: restarting in [0-9]+ ticks \\(1000\\.000 us\\) as incarnation 3 \\(restart 2 in the window\\): \
failed again within the window: restart after a back-off\$"
    check "$tag: isolated: third failure restarts after a 2 ms back-off" "$iso" \
        "${sup}WARN: crasher: restarting in [0-9]+ ticks \\(2000\\.000 us\\) as incarnation 4 \\(restart 3 in the window\\)"
    count "$tag: isolated: each restarted incarnation reports in" "$iso" 3 \
        "${sup}INFO: crasher: serving again as incarnation [2-4], [0-9]+ ticks"
    check "$tag: isolated: the fourth failure escalates: stopped for good" "$iso" \
        "${sup}ERROR: crasher: restart limit within the window reached \\(3 restarts in the window, incarnation 4\\): \
stopped for good, telling dependents\$"
    check "$tag: isolated: the client is told" "$iso" \
        "${cli}the supervisor reports that the crasher failed 4 times and was stopped"
    check "$tag: isolated: every request after the crash succeeds" "$iso" "${cli}$after, 50 succeeded, 0 failed\$"
    check "$tag: isolated: the crasher's entry is intact" "$iso" \
        "${cli}the crasher's entry is intact: 'written before the crash'\$"
    check "$tag: isolated: server summary: nothing failed, table intact" "$iso" \
        '^server\|INFO: summary: 86 requests \(shared memory: client 42, crasher 4; socket 40\), 86 succeeded, 0 failed, 0 malformed; [0-9]+ entries; state intact$'
    check "$tag: isolated: client summary" "$iso" "${cli}summary: 82 requests sent, 82 succeeded, 0 failed, 0 unexpected\$"
    check "$tag: isolated: the logger lost nothing" "$iso" '^logger\|INFO: rings: dropped 0, malformed 0, protocol errors 0$'
    absent "$tag: isolated: no warning or error from client, server or logger" "$iso" '^(client|server|logger)\|(ERROR|WARN)'
    absent "$tag: isolated: no process but the crasher failed" "$iso" "${sup}ERROR: (client|server|logger):"

    check "$tag: shared: the server's table is a shared object" "$shr" \
        '^server\|INFO: key-value store ready \(incarnation 1\): table in a POSIX shared memory object'
    check "$tag: shared: all 30 requests before the crash succeed" "$shr" \
        "${cli}before the crash: 30 $both, 30 succeeded, 0 failed\$"
    check "$tag: shared: the crasher scribbles on the server's table" "$shr" '^crasher\|WARN: wrote 1024 bytes of 0x5a into it'
    count "$tag: shared: the supervisor still sees SIGSEGV each time" "$shr" 4 \
        "${sup}ERROR: crasher: killed by signal 11 \\(SIGSEGV\\)"
    count "$tag: shared: the server detects the corruption once" "$shr" 1 \
        '^server\|ERROR: state corrupted: checksum 0x[0-9a-f]{8}, but the table hashes to 0x[0-9a-f]{8}'
    check "$tag: shared: the supervisor reports it" "$shr" "${sup}WARN: server: reports that its table was corrupted"
    check "$tag: shared: requests after the crash fail" "$shr" "${cli}$after, 0 succeeded, 50 failed\$"
    check "$tag: shared: the server's summary says CORRUPTED" "$shr" '^server\|INFO: summary: .*state CORRUPTED$'

    check "$tag: verdict: isolated as expected" "$out" '^demo: scenario isolated: as expected: '
    check "$tag: verdict: shared as expected (corruption detected)" "$out" \
        '^demo: scenario shared: as expected: .*the server detected it \(checksum\)'
    absent "$tag: no sanitizer report in the demo" "$out" 'AddressSanitizer|runtime error|LeakSanitizer'

    # The demo once more with the datagram socket for logs.
    if run "$tag-demo-dgram" 60 "$bin" demo isolated --log dgram; then
        ok "$tag: demo with Unix datagram logs exits 0"
    else
        bad "$tag: demo --log dgram exited with status $(cat "$work/$tag-demo-dgram.status")"
    fi
    out="$work/$tag-demo-dgram.out"
    check "$tag: dgram: the logger reads one datagram socket" "$out" \
        '^logger\|INFO: ready \(incarnation 1\): one Unix datagram socket'
    count "$tag: dgram: SIGSEGV seen 4 times" "$out" 4 "${sup}ERROR: crasher: killed by signal 11 \\(SIGSEGV\\)"
    check "$tag: dgram: every request after the crash succeeds" "$out" "${cli}$after, 50 succeeded, 0 failed\$"
    check "$tag: dgram: every process's lines arrive" "$out" \
        '^logger\|INFO: summary: records supervisor [1-9][0-9]* server [1-9][0-9]* client [1-9][0-9]* crasher [1-9][0-9]*$'

    # A quick benchmark: every line well formed, every metric present, every count as asked.
    if run "$tag-bench" 60 "$bin" bench --quick; then
        ok "$tag: bench --quick exits 0"
    else
        bad "$tag: bench --quick exited with status $(cat "$work/$tag-bench.status") (see $work/$tag-bench.out)"
    fi
    out="$work/$tag-bench.out"
    problems=$(awk '
        /^BENCH-DONE linux$/ { done++; last = NR; next }
        /^BENCH / {
            if (NF != 7 || $2 != "linux" || $5 !~ /^[0-9]+$/ || $6 !~ /^[1-9][0-9]*$/ || $7 !~ /^[1-9][0-9]*$/) {
                print "malformed: " $0; next
            }
            n[$3 " " $4 " " $5]++; ops[$3 " " $4 " " $5] = $6; next
        }
        /^MEM / {
            if (NF != 5 || $2 != "linux" || $4 != "rss" || $5 !~ /^[1-9][0-9]*$/) { print "malformed: " $0; next }
            mem[$3]++; next
        }
        { print "unexpected line: " $0 }
        END {
            if (done != 1 || last != NR) print "BENCH-DONE linux is not the single last line"
            if (n["boot first_request 0"] != 1 || ops["boot first_request 0"] != 1) print "boot first_request: want 1 line, ops 1"
            if (n["recovery supervisor_restart 0"] != 3 || ops["recovery supervisor_restart 0"] != 1)
                print "recovery supervisor_restart: want 3 samples of ops 1"
            split("futex_shm pipe unix_socket", mechanisms, " ")
            split("0 64 1024 4096", payloads, " ")
            for (m in mechanisms) for (p in payloads) {
                k = "rtt " mechanisms[m] " " payloads[p]
                if (n[k] != 3 || ops[k] != 100) print k ": want 3 samples of 100 round trips, got " n[k] + 0
            }
            split("sel4ft_logring unix_dgram", logs, " ")
            for (m in logs) {
                k = "logs " logs[m] " 64"
                if (n[k] != 2 || ops[k] != 1000) print k ": want 2 samples of 1000 records, got " n[k] + 0 " of " ops[k] + 0
            }
            split("server client logger", components, " ")
            for (c in components) if (mem[components[c]] != 1) print "MEM " components[c] ": want 1 line"
        }' "$out")
    if [ -z "$problems" ]; then
        ok "$tag: bench output: every metric present and well formed (ticks > 0, counts as asked, BENCH-DONE last)"
    else
        bad "$tag: bench output:"
        echo "$problems" | sed 's/^/         /' | head -20
    fi
    # The seeded fault-injection campaign: the seL4 make inject schedule of 280 injections (seed 1), of which
    # Linux runs those into the crasher of the fault kinds and the hang (the SCHEDULE line says how many). The
    # faults run outside the sanitizers' instrumentation and ASan leaves SIGSEGV alone, so both builds run it.
    if run "$tag-inject" 60 "$bin" inject --injections 280 --seed 1; then
        ok "$tag: inject exits 0"
    else
        bad "$tag: inject exited with status $(cat "$work/$tag-inject.status") (see $work/$tag-inject.out)"
    fi
    out="$work/$tag-inject.out"
    applicable=$(sed -n 's/^SCHEDULE \([0-9]*\) of 280 injections apply here .*/\1/p' "$out")
    if [ -n "$applicable" ] && [ "$applicable" -gt 20 ]; then
        ok "$tag: inject: $applicable of the schedule's 280 injections apply on Linux"
    else
        bad "$tag: inject: no SCHEDULE line, or too few injections apply ('$applicable')"
        applicable=0
    fi
    count "$tag: inject: $applicable injections" "$out" "$applicable" '^INJECT [0-9]+ [a-z_]+$'
    problems=$(awk -v total="$applicable" '
        /^INJECT / { inj[$2] = $3; next }
        /^DETECTED / {
            det[$2]++
            want = ($3 == "hang") ? "hang" : ($3 == "undefined_instruction") ? "SIGILL|SIGTRAP" : "SIGSEGV"
            if ($4 !~ "^(" want ")$") print "injection " $2 " (" $3 ") decoded as " $4
            next
        }
        /^RECOVERED / { rec[$2]++; next }
        END {
            for (n = 1; n <= total; n++) {
                if (!(n in inj)) print "injection " n " missing"
                else if (det[n] != 1) print "injection " n " (" inj[n] ") detected " det[n] + 0 " times"
                else if (rec[n] != 1) print "injection " n " (" inj[n] ") recovered " rec[n] + 0 " times"
            }
        }' "$out")
    if [ -z "$problems" ]; then
        ok "$tag: inject: every injection detected once, decoded as expected and recovered"
    else
        bad "$tag: inject:"
        echo "$problems" | sed 's/^/         /' | head -20
    fi
    check "$tag: inject: nothing lost, doubled or escaped" "$out" '^SUMMARY lost=0 doubled=0 escaped=0$'
    check "$tag: inject: the shared-mapping contrast is reported" "$out" \
        '^SHARED-MAPPING corrupted=(yes|no) detected=(yes|no)$'
    check "$tag: inject: the campaign is done" "$out" '^CAMPAIGN-DONE 280 seed 1$'
    absent "$tag: no sanitizer report in the campaign" "$out" 'AddressSanitizer|runtime error|LeakSanitizer'
done

finish
