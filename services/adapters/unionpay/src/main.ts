import 'reflect-metadata';
import { runAdapter } from '@cardshop/payments';
import { UnionPayAdapter, UnionPayConfig } from './index';

void runAdapter(() => new UnionPayAdapter(UnionPayConfig.fromEnv()));
