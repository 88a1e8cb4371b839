// The part of js-yaml 4's API that fast-yaml.ts uses (the package ships no types; `js-yaml-4` is an npm alias).
declare module 'js-yaml-4' {
  export class Type {
    constructor(
      tag: string,
      options: { kind: 'scalar'; resolve(data: string | null): boolean; construct(data: string): unknown },
    );
  }
  export class Schema {
    constructor(definition: { implicit?: Type[]; explicit?: Type[] });
  }
  /** The loader's state as a listener sees it when a node opens or closes. */
  export interface NodeState {
    tag: string | null;
    anchor: string | null;
  }
  export interface LoadOptions {
    schema?: Schema;
    filename?: string;
    listener?: (event: 'open' | 'close', state: NodeState) => void;
  }
  export function load(text: string, options?: LoadOptions): unknown;
}
