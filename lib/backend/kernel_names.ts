/**
 * Names of the suite's own kernels: ops that lib/ defines (lib/models/batch_norm.ts) and that a
 * backend may implement natively (lib/backend/native/); where none is registered the op runs its
 * tfjs composite.
 * @module
 */

/** Batch norm, training mode. Inputs {x, gamma, beta}, attrs {epsilon} → [y, mean, variance]. */
export const BN_TRAINING = "SslBatchNormTraining";
/** Its gradient. Inputs {x, dy, mean, variance, gamma}, attrs {epsilon} → [dx, dgamma, dbeta]. */
export const BN_TRAINING_GRAD = "SslBatchNormTrainingGrad";
