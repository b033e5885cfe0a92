import type { OnnxAttribute, OnnxNode } from '@provenant/onnx';
import { unsupported } from './circuit-tensor.js';

/** Refuses any attribute an op handler does not know, so none is silently ignored. */
export function assertKnownAttributes(ctx: { label: string }, node: OnnxNode, known: readonly string[]): void {
  for (const a of node.attributes) if (!known.includes(a.name)) unsupported(ctx, `attribute ${a.name} is not supported`);
}

function find(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

export function attrInt(node: OnnxNode, name: string, fallback: number): number {
  return find(node, name)?.i ?? fallback;
}

export function attrFloat(node: OnnxNode, name: string, fallback: number): number {
  return find(node, name)?.f ?? fallback;
}

export function attrInts(node: OnnxNode, name: string): number[] | undefined {
  return find(node, name)?.ints;
}

export function attrString(node: OnnxNode, name: string): string | undefined {
  const s = find(node, name)?.s;
  return s === undefined ? undefined : new TextDecoder().decode(s);
}
