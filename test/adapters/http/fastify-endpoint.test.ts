import { FastifyEndpoint } from '../../../src/adapters/http/fastify-endpoint.adapter';
import { httpEndpointContract } from '../../contracts/http-endpoint.contract';

httpEndpointContract('FastifyEndpoint', () => new FastifyEndpoint());
