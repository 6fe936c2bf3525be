package org.partrec.serve;

/**
 * A champion/challenger experiment: which customers the challenger serves. A customer is in the
 * challenger's share when a stable hash of the experiment id and the user id, read as a fraction
 * of one, falls below {@code share}: every replica, and every restart, puts a customer in the same
 * variant without asking anyone, and a new experiment id deals the customers again.
 *
 * @param id    the experiment's name (configured: {@code partrec.experiment.id})
 * @param share the fraction of customers the challenger serves, in (0, 1)
 */
public record Experiment(String id, double share) {

    public Experiment {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("an experiment needs an id");
        }
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("an experiment's challenger share must be above 0 and below 1, got "
                    + share);
        }
    }

    /** Whether the challenger serves {@code userId}. */
    public boolean challenger(String userId) {
        return fraction(id, userId) < share;
    }

    /**
     * Where {@code userId} falls in {@code [0, 1)} for experiment {@code id}: FNV-1a over both
     * strings' characters (a separator between them), then SplitMix64's finaliser so that ids that
     * differ in their last character land far apart, then the top 53 bits as a double.
     */
    static double fraction(String id, String userId) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, id);
        h = (h ^ 0xffff) * 0x100000001b3L; // no id/user split gives the same stream as another
        h = fnv(h, userId);
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }
}
