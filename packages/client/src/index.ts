/**
 * @paretobench/client: the SigOpt v1 API in TypeScript. The request schemas are the ones the server validates with
 * (requests.ts), the response schemas hold this service's answers and SigOpt's (objects.ts), and `SigoptClient`
 * speaks the API the way the official Python client does (client.ts).
 */
export * from './requests.ts';
export * from './objects.ts';
export {
  SigoptClient,
  SigoptApiError,
  type Assignments,
  type CallOptions,
  type ExperimentCreateBody,
  type ExperimentUpdateBody,
  type MetricInput,
  type ObservationCreateBody,
  type ObservationUpdateBody,
  type PageOptions,
  type ParameterInput,
  type SigoptClientOptions,
  type SuggestionCreateBody,
  type SuggestionUpdateBody,
} from './client.ts';
