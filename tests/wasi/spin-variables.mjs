// fermyon:spin/variables@2.0.0 for Spin components served by serve.mjs, as Spin's environment provider
// reads them: the variable `name` is SPIN_VARIABLE_<NAME> in the environment.
export function get(name) {
  const value = process.env[`SPIN_VARIABLE_${name.toUpperCase()}`];
  if (value === undefined) throw { tag: 'undefined', val: name }; // the interface's error variant
  return value;
}
