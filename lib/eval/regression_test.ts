import * as tf from "@tensorflow/tfjs";
import { assert, assertAlmostEquals, assertThrows } from "../_assert.ts";
import { createRng } from "../random.ts";
import { fitMlpRegressor } from "./mlp_regressor.ts";
import { fitLinearRegression, rmse, rSquared } from "./regression.ts";

await tf.setBackend("cpu");

function linearData(n: number, seed: number, noise: number) {
  const rng = createRng(seed);
  const data = new Float64Array(n * 2), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = rng.normal();
    data[2 * i + 1] = rng.normal();
    y[i] = 3 * data[2 * i] - 2 * data[2 * i + 1] + 5 + noise * rng.normal();
  }
  return { x: { data, n, dim: 2 }, y };
}

Deno.test("fitLinearRegression() recovers the weights and intercept of noiseless data", () => {
  const { x, y } = linearData(50, 0, 0);
  const model = fitLinearRegression(x, y);
  assertAlmostEquals(model.weights[0], 3, 1e-9);
  assertAlmostEquals(model.weights[1], -2, 1e-9);
  assertAlmostEquals(model.intercept, 5, 1e-9);
  assertAlmostEquals(rmse(model.predict(x), y), 0, 1e-9);
});

Deno.test("fitLinearRegression() reports collinear columns, and ridge fixes them", () => {
  const data = Float64Array.of(1, 2, 2, 4, 3, 6);
  const x = { data, n: 3, dim: 2 };
  assertThrows(() => fitLinearRegression(x, [1, 2, 3]), /collinear.*ridge/);
  const ridge = fitLinearRegression(x, [1, 2, 3], { ridge: 1e-6 });
  assertAlmostEquals(rmse(ridge.predict(x), [1, 2, 3]), 0, 1e-4);
  assertThrows(() => fitLinearRegression(x, [1, 2]), /3 rows but y has 2/);
});

Deno.test("rmse() and rSquared() match hand computations", () => {
  assertAlmostEquals(rmse([1, 2, 3], [1, 2, 5]), Math.sqrt(4 / 3), 1e-12);
  assertAlmostEquals(rSquared([2, 2, 2], [1, 2, 3]), 0, 1e-12);
  assertAlmostEquals(rSquared([1, 2, 3], [1, 2, 3]), 1, 1e-12);
  assertThrows(() => rmse([1], [1, 2]), /same, non-zero length/);
});

Deno.test("fitMlpRegressor() learns a nonlinear function a line cannot, reproducibly", async () => {
  const rng = createRng(1);
  const n = 200;
  const data = Float64Array.from({ length: n }, () => rng.next() * 4 - 2);
  const y = Float64Array.from(data, (v) => 10 * v * v); // a parabola
  const x = { data, n, dim: 1 };
  const line = rmse(fitLinearRegression(x, y).predict(x), y);
  const before = tf.memory().numTensors;
  const a = await fitMlpRegressor(x, y, { seed: 0, hidden: [32], epochs: 150, learningRate: 1e-2 });
  const mlp = rmse(await a.predict(x), y);
  assert(mlp < line / 3, `MLP rmse ${mlp} vs line ${line}`);
  const b = await fitMlpRegressor(x, y, { seed: 0, hidden: [32], epochs: 150, learningRate: 1e-2 });
  assertAlmostEquals(rmse(await b.predict(x), y), mlp, 1e-9);
  a.dispose();
  b.dispose();
  assert(tf.memory().numTensors <= before, "no tensor leak");
});
