import * as tf from '@tensorflow/tfjs';
import { groupedOptimizer, layerDecayGroups } from 'tfjs-layer-decay';

export function TrainButton({ model }: { model: tf.LayersModel }) {
  const onClick = () => {
    model.compile({ optimizer: groupedOptimizer('adam', layerDecayGroups(model, { decay: 0.75 }), [0.001]), loss: 'meanSquaredError' });
  };
  return <button onClick={onClick}>train</button>;
}
