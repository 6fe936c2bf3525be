package org.partrec.pipeline;

import java.util.Map;

/** What a step hands to the next, with the details its entry in the run record shows. */
interface StepOutput {

    /** Counts and choices of the step, as its entry in the run record lists them. */
    Map<String, Object> details();
}
