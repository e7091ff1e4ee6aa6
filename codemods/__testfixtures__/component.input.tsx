import * as tf from '@tensorflow/tfjs';

export function TrainButton({ model }: { model: tf.LayersModel }) {
  const onClick = () => {
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  };
  return <button onClick={onClick}>train</button>;
}
