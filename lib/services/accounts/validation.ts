/**
 * Request validation. Fastify's defaults would silently strip unknown fields and coerce "5" to
 * 5 in bodies; this API instead answers 400 for extra fields and wrong types in a JSON body.
 * Query strings and headers are text by nature, so there (and only there) numbers are coerced.
 */
import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const COMMON: Options = { allErrors: false, removeAdditional: false, useDefaults: true, strict: false };

const bodyAjv = new Ajv({ ...COMMON, coerceTypes: false });
const textAjv = new Ajv({ ...COMMON, coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  return ajv.compile(schema);
};
