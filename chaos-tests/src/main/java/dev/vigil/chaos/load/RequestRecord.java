package dev.vigil.chaos.load;

/**
 * One request the driver sent and what came back, as logged: when it started (ms since the driver started), how long
 * it took, which node got it, the status (0 when no HTTP answer came) and the error text of a failed exchange.
 */
public record RequestRecord(long sequence, String kind, int node, String method, String path, double startMillis,
    double latencyMillis, int status, Verdict verdict, String error) {}
