package dev.bulwark.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * CPU time read from Linux's {@code /proc}: of whole processes (all threads, {@code utime + stime} of
 * {@code /proc/PID/stat}), of the generator itself, and of the machine ({@code /proc/stat}). Elsewhere,
 * or for a process that has gone, the readings are absent rather than wrong.
 */
final class CpuProbe {
  private final Map<String, Long> pids;
  private final int clockTicks;

  CpuProbe(Map<String, Long> pids, int clockTicks) {
    this.pids = Map.copyOf(requireNonNull(pids, "pids"));
    this.clockTicks = clockTicks;
  }

  /** CPU times at one moment, in nanoseconds. */
  record Reading(long wallNanos, Map<String, Long> processNanos, long selfNanos, long machineBusyNanos,
      long machineTotalNanos) {}

  Reading read() {
    Map<String, Long> out = new LinkedHashMap<>();
    pids.forEach((name, pid) -> {
      Long t = processTicks(pid);
      if (t != null) {
        out.put(name, t * 1_000_000_000L / clockTicks);
      }
    });
    long self = -1;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      self = os.getProcessCpuTime();
    }
    long[] machine = machineTicks();
    return new Reading(System.nanoTime(), out, self,
        machine == null ? -1 : machine[0] * 1_000_000_000L / clockTicks,
        machine == null ? -1 : machine[1] * 1_000_000_000L / clockTicks);
  }

  /** utime + stime of a whole process, in clock ticks; null if it cannot be read. */
  static @Nullable Long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // f[0] is field 3 (state); utime and stime are fields 14 and 15.
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {busy, total} ticks of all CPUs since boot; null if /proc/stat cannot be read. */
  static long @Nullable [] machineTicks() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
      String[] f = lines.get(0).trim().split("\\s+");
      if (!f[0].equals("cpu")) {
        return null;
      }
      long total = 0;
      // user nice system idle iowait irq softirq steal (guest times are already in user and nice).
      for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
