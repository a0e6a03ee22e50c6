/** The target model of the proto emitter: just what a proto3 file of ours can contain. */

export interface ProtoFile {
  /** Path inside `generated/proto`, matching the package (buf's PACKAGE_DIRECTORY_MATCH). */
  path: string;
  package: string;
  comment?: string;
  imports: string[];
  services: ProtoService[];
  messages: ProtoMessage[];
  enums: ProtoEnum[];
}

export interface ProtoService {
  name: string;
  comment?: string;
  methods: ProtoMethod[];
}

export interface ProtoMethod {
  name: string;
  comment?: string;
  input: string;
  output: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  deprecated: boolean;
}

/** What the lock numbers: the JSON pointer of the contract node, for diagnostics. */
export interface Numbered {
  name: string;
  /** Assigned by the lock; 0 until then. */
  number: number;
  /** An explicit number from the contract, which wins over the lock. */
  explicitNumber?: number;
  pointer?: string;
}

export interface ProtoField extends Numbered {
  type: string;
  label?: 'optional' | 'repeated';
  /** Set for `map<string, V>` fields; `type` is then the value type. */
  map?: boolean;
  jsonName?: string;
  deprecated: boolean;
  comment?: string;
}

export interface ProtoOneof {
  name: string;
  fields: ProtoField[];
}

export interface Reserved {
  numbers: number[];
  names: string[];
}

export interface ProtoMessage {
  name: string;
  /** Set on the messages generated for an rpc, as opposed to the contract's own types. */
  role?: 'request' | 'response';
  comment?: string;
  deprecated: boolean;
  fields: ProtoField[];
  oneofs: ProtoOneof[];
  reserved: Reserved;
  pointer?: string;
}

export interface ProtoEnumValue extends Numbered {
  comment?: string;
}

export interface ProtoEnum {
  name: string;
  comment?: string;
  deprecated: boolean;
  /** The `_UNSPECIFIED = 0` value comes first and is not locked. */
  values: ProtoEnumValue[];
  reserved: Reserved;
  pointer?: string;
}
