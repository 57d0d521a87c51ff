import 'reflect-metadata';
import { runAdapter } from '@cardshop/payments';
import { WechatPayAdapter, WechatPayConfig } from './index';

void runAdapter(() => new WechatPayAdapter(WechatPayConfig.fromEnv()));
