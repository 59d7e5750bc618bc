/**
 * Batch normalization in training mode as ONE differentiable op, and the layer that uses it.
 *
 * tfjs-layers' BatchNormalization differentiates through `tf.moments` and `tf.batchNorm` op by op:
 * about 30 passes over the activations per layer and step (broadcast multiplies, sums, tiles),
 * which on the native backend cost more than the convolutions. Here the forward computes the
 * batch statistics and the normalized output, and the gradient is the closed form
 *
 *   x̂ = (x − μ) / σ,  ∂β = Σ dy,  ∂γ = Σ dy·x̂,  ∂x = γ/σ · (dy − ∂β/n − x̂·∂γ/n),
 *
 * (σ² the biased batch variance plus ε, sums over every axis but the channels, n their size).
 * Where the backend has the fused kernels {@link BN_TRAINING} / {@link BN_TRAINING_GRAD} (native:
 * oneDNN's batch-normalization primitives), one kernel call each; elsewhere the same formulas in
 * tfjs ops. The layer keeps tfjs's weights, names, moving-average update and inference path.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { batchNormalization } from "./batch_norm.ts";
 * const layer = batchNormalization({ momentum: 0.9, name: "bn" });
 * const y = layer.apply(tf.ones([2, 4, 4, 3]), { training: true }) as tf.Tensor;
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { BN_TRAINING, BN_TRAINING_GRAD } from "../backend/kernel_names.ts";

const hasKernel = (name: string) => tf.getKernel(name, tf.getBackend()) != null;

/** The output and the batch statistics (kept: the caller disposes mean and variance). */
export interface BatchNormTrainingResult {
  y: tf.Tensor;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Normalizes `x` (channels last) with its batch statistics, scales by `gamma`, shifts by `beta`.
 * Differentiable in x, gamma and beta with the closed-form gradient above.
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): BatchNormTrainingResult {
  const axes = [...Array(x.rank - 1).keys()];
  let mean!: tf.Tensor1D, variance!: tf.Tensor1D;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, shift] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    let y: tf.Tensor;
    if (hasKernel(BN_TRAINING)) {
      [y, mean, variance] = tf.engine().runKernel(BN_TRAINING, {
        x: input,
        gamma: scale,
        beta: shift,
      }, {
        epsilon,
      }) as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
    } else {
      ({ mean, variance } = tf.moments(input, axes) as {
        mean: tf.Tensor1D;
        variance: tf.Tensor1D;
      });
      y = tf.batchNorm(input, mean, variance, shift, scale, epsilon);
    }
    // customGrad runs this inside a tidy: keep the statistics for the moving averages.
    tf.keep(mean);
    tf.keep(variance);
    save([input, scale, mean, variance]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, g, m, v] = saved;
        if (hasKernel(BN_TRAINING_GRAD)) {
          return tf.engine().runKernel(BN_TRAINING_GRAD, {
            x: xs,
            dy,
            mean: m,
            variance: v,
            gamma: g,
          }, {
            epsilon,
          }) as tf.Tensor[];
        }
        return tf.tidy(() => {
          const n = xs.size / m.size;
          const rstd = tf.rsqrt(tf.add(v, epsilon));
          const xhat = tf.mul(tf.sub(xs, m), rstd);
          const dbeta = tf.sum(dy, axes);
          const dgamma = tf.sum(tf.mul(dy, xhat), axes);
          const centred = tf.sub(tf.sub(dy, tf.div(dbeta, n)), tf.mul(xhat, tf.div(dgamma, n)));
          return [tf.mul(centred, tf.mul(g, rstd)), dgamma, dbeta];
        });
      },
    };
  });
  const y = op(x, gamma, beta);
  return { y, mean, variance };
}

/** What tfjs-layers' BatchNormalization keeps private and this layer reads. */
interface BatchNormInternals {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): tf.Tensor1D };
  beta: { read(): tf.Tensor1D };
  movingMean: { read(): tf.Tensor1D; write(v: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor1D; write(v: tf.Tensor): void };
}

const Base = tf.layers.batchNormalization({}).constructor as new (
  args?: Parameters<typeof tf.layers.batchNormalization>[0],
) => tf.layers.Layer;

/**
 * tfjs's BatchNormalization with its training path through {@link batchNormTraining}: same
 * weights, names, class name, moving averages (m ← m − (1 − momentum)(m − batch statistic)) and
 * inference. Layers normalizing another axis than the last, or without center/scale, use tfjs's.
 */
class FusedBatchNormalization extends Base {
  static className = "BatchNormalization";
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) {
    const self = this as unknown as BatchNormInternals;
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const lastAxis = self.axis === -1 || self.axis === input.rank - 1;
    if (!kwargs.training || !lastAxis || !self.center || !self.scale) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const { y, mean, variance } = batchNormTraining(
        input,
        self.gamma.read(),
        self.beta.read(),
        self.epsilon,
      );
      for (
        const [variable, value] of [[self.movingMean, mean], [
          self.movingVariance,
          variance,
        ]] as const
      ) {
        tf.tidy(() => {
          const old = variable.read();
          variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - self.momentum)));
        });
      }
      tf.dispose([mean, variance]);
      return y;
    });
  }
}

/** A batch-normalization layer (tfjs's options) whose training step is one fused op. */
export function batchNormalization(
  args: Parameters<typeof tf.layers.batchNormalization>[0],
): tf.layers.Layer {
  return new FusedBatchNormalization(args);
}
