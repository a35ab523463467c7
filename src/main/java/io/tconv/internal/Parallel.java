package io.tconv.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the tasks of one call on up to {@code threads} threads, the calling thread included. Tasks are claimed
 * from a shared counter, so the split adapts to whoever is free; results do not depend on it.
 *
 * <p>The built-in helpers are daemon threads started on first use and shared by all plans. A helper that is
 * busy with another call is not waited for: the caller simply gets fewer helpers. Nothing is allocated per
 * call once a plan has run once (with a caller-supplied executor, one small Runnable per helper is).
 */
public final class Parallel {
    /** Below this many multiply-adds per thread another thread costs more than it saves. */
    static final long MIN_MACS_PER_THREAD = 1L << 20;

    private final int threads;
    private final Executor executor;
    private final AtomicReference<Job> spare = new AtomicReference<>();

    /** @param executor null for the built-in helper threads */
    public Parallel(int threads, Executor executor) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.executor = executor;
    }

    public int threads() { return threads; }

    /**
     * A thread about to park first spins this long: calls that come back to back (the layers of a network, a
     * benchmark) then find their helpers awake, and a caller sees its helpers finish without a wake-up's
     * latency (tens of microseconds on a virtual machine, against calls of a fraction of a millisecond).
     */
    static final long SPIN_NANOS = 50_000;

    /** Runs tasks {@code 0 … count − 1}; {@code macsPerTask} sizes how many threads are worth waking. */
    public void run(int count, long macsPerTask, Task task) {
        long useful = Math.max(1, (long) count * macsPerTask / MIN_MACS_PER_THREAD);
        int workers = (int) Math.min(Math.min(threads, count), useful);
        if (workers <= 1) {
            for (int i = 0; i < count; i++) task.run(i);
            return;
        }
        Job job = spare.getAndSet(null);
        if (job == null) job = new Job();
        try {
            job.run(count, task, workers - 1, executor);
        } finally {
            spare.set(job);
        }
    }

    /** One call's shared state: the task counter, the helpers still running and the first failure. */
    private static final class Job {
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        volatile Thread caller;
        volatile Throwable failure;
        int count;
        Task task;
        Ticket[] tickets = new Ticket[0];

        void run(int count, Task task, int helpers, Executor executor) {
            this.count = count;
            this.task = task;
            this.failure = null;
            this.caller = Thread.currentThread();
            next.set(0);
            running.set(0);
            int submitted = 0;
            if (executor != null && tickets.length < helpers) tickets = new Ticket[helpers];
            for (int h = 0; h < helpers; h++) {
                if (executor == null) {
                    Helper helper = Helper.claimIdle();
                    if (helper == null) break;
                    running.incrementAndGet();
                    helper.assign(this);
                } else {
                    Ticket ticket = new Ticket(this);
                    running.incrementAndGet();
                    try {
                        executor.execute(ticket);
                        tickets[submitted++] = ticket;
                    } catch (RuntimeException rejected) {
                        running.decrementAndGet();
                        break;
                    }
                }
            }
            work();
            // A ticket the executor has not started yet (it may be busy, or be the caller's own pool) is
            // revoked: the caller has already done all the work, so waiting for it could only deadlock.
            for (int i = 0; i < submitted; i++) {
                if (tickets[i].revoke()) running.decrementAndGet();
                tickets[i] = null;
            }
            for (long until = System.nanoTime() + SPIN_NANOS; running.get() > 0 && System.nanoTime() < until; ) Thread.onSpinWait();
            while (running.get() > 0) LockSupport.park(this);
            this.task = null;
            Throwable t = failure;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException(t);
        }

        /** Claims and runs tasks until none are left; the first failure stops everyone. */
        void work() {
            try {
                for (int i; (i = next.getAndIncrement()) < count; ) task.run(i);
            } catch (Throwable t) {
                if (failure == null) failure = t;
                next.set(count);
            }
        }

        void leave() {
            Thread waiting = caller;
            if (running.decrementAndGet() == 0) LockSupport.unpark(waiting);
        }
    }

    /** One helper's place in a caller-supplied executor; whoever flips it first (helper or caller) owns it. */
    private static final class Ticket implements Runnable {
        private final Job job;
        private final AtomicBoolean taken = new AtomicBoolean();

        Ticket(Job job) { this.job = job; }

        boolean revoke() { return taken.compareAndSet(false, true); }

        @Override
        public void run() {
            if (!taken.compareAndSet(false, true)) return;
            job.work();
            job.leave();
        }
    }

    /** A daemon thread that runs one job at a time, parked in between. */
    private static final class Helper extends Thread {
        private static final int MAX = Math.max(64, 4 * Runtime.getRuntime().availableProcessors());
        private static final Helper[] ALL = new Helper[MAX];
        private static final AtomicInteger STARTED = new AtomicInteger();

        final AtomicBoolean busy = new AtomicBoolean(true);
        volatile Job job;

        private Helper(int id) {
            super("tconv-worker-" + id);
            setDaemon(true);
        }

        /** An idle helper now reserved for the caller, starting a new one if all are busy, or null. */
        static Helper claimIdle() {
            int started = Math.min(STARTED.get(), MAX);
            for (int i = 0; i < started; i++) {
                Helper h = ALL[i];
                if (h != null && h.busy.compareAndSet(false, true)) return h;
            }
            int id = STARTED.getAndIncrement();
            if (id >= MAX) return null;
            Helper h = new Helper(id);   // born busy: reserved for the caller
            ALL[id] = h;
            h.start();
            return h;
        }

        void assign(Job j) {
            job = j;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Job j = job;
                if (j == null) {
                    for (long until = System.nanoTime() + SPIN_NANOS; job == null && System.nanoTime() < until; ) Thread.onSpinWait();
                    if (job == null) LockSupport.park(this);
                    continue;
                }
                job = null;
                j.work();
                busy.set(false);
                j.leave();
            }
        }
    }
}
