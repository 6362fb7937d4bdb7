#!/usr/bin/env bash
# dmacheck-capture.sh: record the DMA-API calls of a real Linux machine while a command runs, for
# `dmacheck trace FILE`. Needs root and tracefs. Format of the output: docs/trace-capture.md.
#
#   sudo tools/dmacheck-capture.sh [-o FILE] [-b KB] [--no-kprobes] [--all-kprobes] -- COMMAND [ARGS...]
#
# Records the native dma:* events (Linux 6.12+), iommu:map/unmap and swiotlb:swiotlb_bounced when
# the kernel has them. Adds kprobes (x86-64 only: arguments are read from the SysV registers) on
# the two-step dma_iova_* calls, and -- on kernels without dma:* events, or with --all-kprobes --
# on dma_map_page_attrs, dma_unmap_page_attrs, dma_map_sg_attrs, dma_map_sgtable,
# dma_unmap_sg_attrs, dma_map_resource and dma_unmap_resource, wherever
# available_filter_functions lists them. Exits with the command's exit status.
set -euo pipefail

out=dmacheck-trace.txt
buffer_kb=65536
use_kprobes=1
all_kprobes=0

usage() {
    echo "usage: $0 [-o FILE] [-b BUFFER_KB_PER_CPU] [--no-kprobes] [--all-kprobes] -- COMMAND [ARGS...]" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        -o) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
        -b) [ $# -ge 2 ] || usage; buffer_kb=$2; shift 2 ;;
        --no-kprobes) use_kprobes=0; shift ;;
        --all-kprobes) all_kprobes=1; shift ;;
        --) shift; break ;;
        -h|--help) usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || usage

if [ "$(id -u)" -ne 0 ]; then
    echo "dmacheck-capture: must run as root (tracefs)" >&2
    exit 2
fi
T=/sys/kernel/tracing
if [ ! -d "$T/events" ]; then
    mount -t tracefs nodev "$T" 2>/dev/null || true
fi
if [ ! -d "$T/events" ] && [ -d /sys/kernel/debug/tracing/events ]; then
    T=/sys/kernel/debug/tracing
fi
if [ ! -d "$T/events" ]; then
    echo "dmacheck-capture: no tracefs at /sys/kernel/tracing (CONFIG_FTRACE, CONFIG_TRACING)" >&2
    exit 2
fi

arch=$(uname -m)
native=no
[ -d "$T/events/dma" ] && native=yes

# x86-64 System V: arguments 1..6 in %di %si %dx %cx %r8 %r9, the 7th at +8(%sp) on entry.
# dev_name(dev) = dev->kobj.name: kobj is the first member of struct device and name the first
# member of struct kobject, hence +0(+0(%di)).
DEV='dev=+0(+0(%di)):string'
declare -A ARGS RET
ARGS[dma_map_page_attrs]="$DEV page=%si:x64 offset=%dx:u64 size=%cx:u64 dir=%r8:s32 attrs=%r9:x64"
RET[dma_map_page_attrs]='ret=$retval:x64'
ARGS[dma_unmap_page_attrs]="$DEV addr=%si:x64 size=%dx:u64 dir=%cx:s32 attrs=%r8:x64"
ARGS[dma_map_resource]="$DEV phys=%si:x64 size=%dx:u64 dir=%cx:s32 attrs=%r8:x64"
RET[dma_map_resource]='ret=$retval:x64'
ARGS[dma_unmap_resource]="$DEV addr=%si:x64 size=%dx:u64 dir=%cx:s32 attrs=%r8:x64"
ARGS[dma_map_sg_attrs]="$DEV sg=%si:x64 nents=%dx:s32 dir=%cx:s32 attrs=%r8:x64"
RET[dma_map_sg_attrs]='ret=$retval:s32'
# struct sg_table { struct scatterlist *sgl; unsigned int nents; unsigned int orig_nents; }
ARGS[dma_map_sgtable]="$DEV sg=+0(%si):x64 nents=+12(%si):u32 dir=%dx:s32 attrs=%cx:x64"
RET[dma_map_sgtable]='ret=$retval:s32'
ARGS[dma_unmap_sg_attrs]="$DEV sg=%si:x64 nents=%dx:s32 dir=%cx:s32 attrs=%r8:x64"
# struct dma_iova_state { dma_addr_t addr; u64 __size; }: iova = state->addr
ARGS[dma_iova_try_alloc]="$DEV state=%si:x64 phys=%dx:x64 size=%cx:u64"
RET[dma_iova_try_alloc]='ret=$retval:u8'
ARGS[dma_iova_link]="$DEV state=%si:x64 iova=+0(%si):x64 phys=%dx:x64 offset=%cx:u64 size=%r8:u64 dir=%r9:s32 attrs=+8(%sp):x64"
RET[dma_iova_link]='ret=$retval:s32'
ARGS[dma_iova_sync]="$DEV state=%si:x64 iova=+0(%si):x64 offset=%dx:u64 size=%cx:u64"
RET[dma_iova_sync]='ret=$retval:s32'
ARGS[dma_iova_unlink]="$DEV state=%si:x64 iova=+0(%si):x64 offset=%dx:u64 size=%cx:u64 dir=%r8:s32 attrs=%r9:x64"
ARGS[dma_iova_destroy]="$DEV state=%si:x64 iova=+0(%si):x64 mapped_len=%dx:u64 dir=%cx:s32 attrs=%r8:x64"
ARGS[dma_iova_free]="$DEV state=%si:x64 iova=+0(%si):x64"

two_step="dma_iova_try_alloc dma_iova_link dma_iova_sync dma_iova_unlink dma_iova_destroy dma_iova_free"
classic="dma_map_page_attrs dma_unmap_page_attrs dma_map_sg_attrs dma_map_sgtable dma_unmap_sg_attrs dma_map_resource dma_unmap_resource"

probes=""
if [ "$use_kprobes" = 1 ]; then
    if [ "$arch" != x86_64 ]; then
        echo "dmacheck-capture: kprobe arguments are written for x86-64 registers; $arch gets native events only" >&2
    elif [ ! -w "$T/kprobe_events" ]; then
        echo "dmacheck-capture: kprobe_events is not writable (CONFIG_KPROBE_EVENTS, lockdown?); native events only" >&2
    else
        wanted=$two_step
        if [ "$native" = no ] || [ "$all_kprobes" = 1 ]; then
            wanted="$classic $two_step"
        fi
        for fn in $wanted; do
            if grep -qE "^$fn( |$)" "$T/available_filter_functions" 2>/dev/null; then
                probes="$probes $fn"
            fi
        done
    fi
fi

cleanup() {
    echo 0 > "$T/tracing_on" 2>/dev/null || true
    for ev in "$T"/events/dma/enable "$T"/events/iommu/map/enable "$T"/events/iommu/unmap/enable \
              "$T"/events/swiotlb/swiotlb_bounced/enable "$T"/events/dmacheck/enable; do
        if [ -w "$ev" ]; then echo 0 > "$ev" 2>/dev/null || true; fi
    done
    for fn in $probes; do
        echo "-:dmacheck/dmacheck_${fn}_ret" >> "$T/kprobe_events" 2>/dev/null || true
        echo "-:dmacheck/dmacheck_${fn}" >> "$T/kprobe_events" 2>/dev/null || true
    done
}
trap cleanup EXIT

echo 0 > "$T/tracing_on"
echo nop > "$T/current_tracer"
echo "$buffer_kb" > "$T/buffer_size_kb"
echo > "$T/trace"

for ev in "$T"/events/dma/enable "$T"/events/iommu/map/enable "$T"/events/iommu/unmap/enable \
          "$T"/events/swiotlb/swiotlb_bounced/enable; do
    if [ -w "$ev" ]; then echo 1 > "$ev"; fi
done

enabled_probes=""
for fn in $probes; do
    if echo "p:dmacheck/dmacheck_${fn} ${fn} ${ARGS[$fn]}" >> "$T/kprobe_events" 2>/dev/null; then
        enabled_probes="$enabled_probes dmacheck_${fn}"
        if [ -n "${RET[$fn]:-}" ]; then
            # maxactive 64: concurrent calls per CPU that the kretprobe can follow (misses counted otherwise)
            if echo "r64:dmacheck/dmacheck_${fn}_ret ${fn} ${RET[$fn]}" >> "$T/kprobe_events" 2>/dev/null; then
                enabled_probes="$enabled_probes dmacheck_${fn}_ret"
            fi
        fi
    else
        echo "dmacheck-capture: cannot probe $fn (see $T/error_log); skipped" >&2
    fi
done
if [ -n "$enabled_probes" ]; then
    echo 1 > "$T/events/dmacheck/enable"
fi

echo 1 > "$T/tracing_on"
set +e
"$@"
rc=$?
set -e
echo 0 > "$T/tracing_on"

{
    echo "# dmacheck-capture 1"
    echo "# dmacheck-capture kernel=$(uname -r) arch=$arch native_dma_events=$native"
    echo "# dmacheck-capture probes=${enabled_probes# }"
    echo "# dmacheck-capture command=$* exit=$rc"
    cat "$T/trace"
    if [ -r "$T/kprobe_profile" ]; then
        awk '$1 ~ /^dmacheck_/ { print "# kprobe_profile: " $1 " " $2 " " $3 }' "$T/kprobe_profile"
    fi
    echo "# dmacheck-capture end"
} > "$out"
echo "dmacheck-capture: wrote $out (check it with: dmacheck trace $out)" >&2
exit $rc
