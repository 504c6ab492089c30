package org.openmtl.spark;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.openmtl.core.sweep.TrialExecutor.TrialListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows each trial's task through Spark's listener bus: which executor it started on (told to
 * the trial's listener) and, when it fails, Spark's own reason (an executor lost under it, or an
 * exception), which the job's exception only carries as text. A trial's job is recognised by its
 * job group; its one stage maps task events back to the trial.
 */
final class TrialEvents extends SparkListener {

    private static final Logger LOG = LoggerFactory.getLogger(TrialEvents.class);

    /** Spark's local property naming a job's group (SparkContext.SPARK_JOB_GROUP_ID). */
    private static final String JOB_GROUP = "spark.jobGroup.id";

    /** One attempt at a trial, as the listener bus sees it. */
    static final class Attempt {
        private final TrialListener listener;
        private volatile String worker;
        private volatile TaskFailedReason failure;
        private final CountDownLatch ended = new CountDownLatch(1);

        Attempt(TrialListener listener) {
            this.listener = listener;
        }

        /** The executor the task started on, or null before it started. */
        String worker() {
            return worker;
        }

        /** Spark's reason for the task's failure, or null. */
        TaskFailedReason failure() {
            return failure;
        }

        /** Counted down when the task's end reaches the listener bus. */
        CountDownLatch ended() {
            return ended;
        }
    }

    private final Map<String, Attempt> byGroup = new ConcurrentHashMap<>();
    private final Map<Integer, Attempt> byStage = new ConcurrentHashMap<>();

    Attempt register(String group, TrialListener listener) {
        Attempt a = new Attempt(listener);
        byGroup.put(group, a);
        return a;
    }

    void forget(String group) {
        Attempt a = byGroup.remove(group);
        if (a != null) {
            byStage.values().removeIf(x -> x == a);
        }
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
        Properties p = event.properties();
        Attempt a = p == null ? null : byGroup.get(p.getProperty(JOB_GROUP, ""));
        if (a != null) {
            byStage.put(event.stageInfo().stageId(), a);
        }
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart event) {
        Attempt a = byStage.get(event.stageId());
        if (a == null) {
            return;
        }
        a.worker = "spark executor " + event.taskInfo().executorId() + " on " + event.taskInfo().host();
        try {
            a.listener.started(a.worker);
        } catch (RuntimeException e) {
            // a listener's bug must not stop the bus, which other trials depend on
            LOG.warn("A trial listener failed on start: {}", e.toString());
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        Attempt a = byStage.get(event.stageId());
        if (a == null) {
            return;
        }
        if (event.reason() instanceof TaskFailedReason failed) {
            a.failure = failed;
        }
        a.ended.countDown();
    }
}
